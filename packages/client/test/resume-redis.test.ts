import { createServer } from "node:net";
import type { Server } from "@scallion/core";
import { serve } from "@scallion/core";
import type { RedisPubSub } from "@scallion/redis";
import { createRedisPubSub } from "@scallion/redis";
import type { TestRedis } from "@scallion/redis/testing";
import { hasRedis, startRedis } from "@scallion/redis/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { WebSocket } from "ws";
import type { WebSocketConstructor } from "../src/websocket.js";
import { client } from "./_clients.js";
import { numbered, record, room } from "./_history.js";

/** A port nothing listens on: connecting to it is refused at once. */
const closedPort = (): Promise<number> =>
  new Promise((resolve) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });

/** `ws`, connecting wherever `port()` says at each attempt: a load balancer in front of the nodes. */
function balancer(port: () => number): WebSocketConstructor {
  return class extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      const target = new URL(url);
      target.port = String(port());
      super(target.href, protocols);
    }
  } as unknown as WebSocketConstructor;
}

describe.skipIf(!hasRedis)("resuming on another node, through Redis", () => {
  let redis: TestRedis;
  const nodes: { server: Server; pubsub: RedisPubSub }[] = [];

  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(() => redis?.stop());
  afterEach(async () => {
    const stopping = nodes.splice(0);
    await Promise.all(stopping.map((n) => n.server.close({ timeout: 500 })));
    await Promise.all(stopping.map((n) => n.pubsub.close()));
  });

  /** Two nodes, each with an engine of its own on the one Redis, keeping `size` messages of each room. */
  async function two(size: number): Promise<[Server, Server]> {
    for (let i = 0; i < 2; i++) {
      const pubsub = await createRedisPubSub({ url: redis.url, logger: false, history: { "room:*": { size } } });
      nodes.push({ pubsub, server: await serve(room, { port: 0, logger: false, pubsub }) });
    }
    return [nodes[0]!.server, nodes[1]!.server];
  }

  /** A client on node `a` that the balancer can send elsewhere; `cut()` drops it and keeps it away. */
  async function onNode(a: Server) {
    let target = a.address.port!;
    const away = await closedPort();
    const c = client(a.url, { reconnect: { min: 10, max: 50 }, WebSocket: balancer(() => target) });
    const seen = record(c);
    c.send("before");
    await vi.waitFor(() => expect(seen.messages).toEqual(["before"]));
    return {
      c,
      seen,
      cut() {
        target = away;
        c.send("drop");
      },
      routeTo(node: Server) {
        target = node.address.port!;
      },
    };
  }

  it("delivers 1,000 messages published on the node it left, in order and once, when it comes back on the other", async () => {
    const [a, b] = await two(2_000);
    const { c, seen, cut, routeTo } = await onNode(a);
    cut();
    await vi.waitFor(() => expect(c.state).toBe("reconnecting"));
    for (let i = 1; i <= 1_000; i++) await a.publish("room:a", `m${i}`);
    routeTo(b);
    await c.opened();
    await vi.waitFor(() => expect(seen.resumes).toEqual([{ topic: "room:a", recovered: true }]), { timeout: 5_000 });
    await vi.waitFor(() => expect(seen.messages).toHaveLength(1_001), { timeout: 5_000, interval: 5 });
    await a.publish("room:a", "live");
    await vi.waitFor(() => expect(seen.messages).toHaveLength(1_002));
    expect(seen.messages).toEqual(["before", ...numbered("m", 1_000), "live"]);
  });

  it("says not recovered on the other node when history no longer covers the gap, or Redis lost it", async () => {
    const [a, b] = await two(10);
    const { c, seen, cut, routeTo } = await onNode(a);
    cut();
    await vi.waitFor(() => expect(c.state).toBe("reconnecting"));
    for (let i = 1; i <= 20; i++) await a.publish("room:a", `lost ${i}`);
    routeTo(b);
    await vi.waitFor(() => expect(seen.resumes).toEqual([{ topic: "room:a", recovered: false }]), { timeout: 5_000 });
    await a.publish("room:a", "live");
    await vi.waitFor(() => expect(seen.messages).toEqual(["before", "live"]));

    cut();
    await vi.waitFor(() => expect(c.state).toBe("reconnecting"));
    await redis.restart();
    routeTo(a);
    // Told by the position frame, or, if the node had not reconnected to Redis yet, by the first message.
    let n = 0;
    await vi.waitFor(
      async () => {
        await b.publish("room:a", `after ${++n}`);
        expect(seen.resumes).toHaveLength(2);
      },
      { timeout: 10_000, interval: 100 },
    );
    expect(seen.resumes[1]).toEqual({ topic: "room:a", recovered: false });
  });
});
