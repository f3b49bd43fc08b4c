import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { MAX_RECONNECT_DELAY } from "../src/index.js";
import type { TestRedis } from "../src/testing.js";
import { hasRedis, startRedis } from "../src/testing.js";
import type { Node } from "./_nodes.js";
import { join, startNode, stopNodes } from "./_nodes.js";

describe.skipIf(!hasRedis)("local first, on a real redis-server", () => {
  let redis: TestRedis;
  let nodes: Node[] = [];

  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(() => redis?.stop());
  afterEach(async () => {
    redis.resume();
    await stopNodes(nodes.splice(0));
  });

  async function twoNodes(timeout = 1000): Promise<[Node, Node]> {
    nodes = [await startNode(redis.url, { timeout }), await startNode(redis.url, { timeout })];
    return nodes as [Node, Node];
  }

  it("delivers to this node's subscribers while Redis is stopped, and tells the publisher", async () => {
    const [one, two] = await twoNodes();
    const [a, b, c] = await Promise.all([join(one.server), join(one.server), join(two.server)]);
    await redis.stop();
    try {
      for (let i = 0; i < 100; i++) a.ws.send(`say ${i}`);
      const numbers = Array.from({ length: 100 }, (_, i) => String(i));
      expect(await b.wait(100)).toEqual(numbers);
      const seen = await a.wait(200);
      expect(seen.filter((m) => !m.startsWith("said:"))).toEqual(numbers);
      expect(seen.filter((m) => m.startsWith("said:"))).toEqual(Array(100).fill("said: local"));
      expect(one.server.stats().messagesLocalOnly).toBe(100);
      expect(one.pubsub.dropped).toBe(100);
      expect(c.messages).toEqual([]);
    } finally {
      await redis.restart();
    }
  });

  it("does not make local delivery wait for a Redis that stops answering", async () => {
    const [one] = await twoNodes(300);
    const [a, b] = await Promise.all([join(one.server), join(one.server)]);
    redis.pause();
    const started = Date.now();
    a.ws.send("say now");
    await b.wait(1);
    expect(Date.now() - started).toBeLessThan(150);
    expect(await a.wait(2)).toEqual(["now", "said: local"]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(one.pubsub.pending).toBeLessThanOrEqual(1);
  });

  it("delivers every message exactly once on every node, two servers sharing one engine among them", async () => {
    const [one, two] = await twoNodes();
    // A second server in the first process, on the same RedisPubSub: another node for Scallion.
    const { serve } = await import("@scallion/core");
    const { roomApp } = await import("./_nodes.js");
    const three = await serve(
      roomApp((topic) => three.count(topic)),
      { port: 0, logger: false, pubsub: one.pubsub },
    );
    nodes.push({ server: three, pubsub: one.pubsub });
    const servers = [one.server, one.server, two.server, three];
    const clients = [];
    for (const s of servers) clients.push(await join(s)); // one at a time: each counts those before it
    expect(clients.map((c) => c.joined)).toEqual(["joined: subscribed 1", "joined: subscribed 2", "joined: subscribed 3", "joined: subscribed 4"]);
    const per = 50;
    for (let i = 0; i < per; i++) for (const [k, c] of clients.entries()) c.ws.send(`say ${k}:${i}`);
    const expected = clients.flatMap((_, k) => Array.from({ length: per }, (_, i) => `${k}:${i}`)).sort();
    for (const [k, c] of clients.entries()) {
      const seen = await c.wait(expected.length + per);
      expect(seen.filter((m) => !m.startsWith("said:")).sort()).toEqual(expected);
      expect(seen.filter((m) => m.startsWith("said:"))).toEqual(Array(per).fill("said: published"));
      // in the order each publisher sent them
      const own = seen.filter((m) => m.startsWith(`${k}:`));
      expect(own).toEqual(Array.from({ length: per }, (_, i) => `${k}:${i}`));
    }
    await two.server.publish("room", "marker");
    for (const c of clients) expect((await c.wait(expected.length + per + 1)).at(-1)).toBe("marker");
    expect(MAX_RECONNECT_DELAY).toBeLessThanOrEqual(1000);
  });
});
