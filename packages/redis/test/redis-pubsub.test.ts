import type { Handler, Server } from "@scallion/core";
import { publish, send, serve, subscribe } from "@scallion/core";
import { createClient } from "redis";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { WebSocket } from "ws";
import type { RedisPubSub } from "../src/index.js";
import { createRedisPubSub } from "../src/index.js";
import type { TestRedis } from "../src/testing.js";
import { hasRedis, startRedis } from "../src/testing.js";

/** Joins "room"; "say X" publishes X to everyone, "shh X" to everyone else. */
const room: Handler = async function* (_scope, receiver) {
  yield subscribe("room");
  yield send("joined");
  for await (const message of receiver) {
    const text = message as string;
    if (text.startsWith("say ")) yield publish("room", text.slice(4));
    if (text.startsWith("shh ")) yield publish("room", text.slice(4), { exceptSelf: true });
    if (text === "bytes") yield publish("room", new Uint8Array([0, 255, 10]));
  }
};

interface Client {
  ws: WebSocket;
  messages: (string | number[])[];
}

async function join(server: Server): Promise<Client> {
  const ws = new WebSocket(`${server.url}/`);
  const messages: (string | number[])[] = [];
  ws.on("message", (data: Buffer, isBinary) => messages.push(isBinary ? [...data] : data.toString()));
  await vi.waitFor(() => expect(messages).toEqual(["joined"]));
  messages.length = 0;
  return { ws, messages };
}

describe.skipIf(!hasRedis)("RedisPubSub against a real redis-server", () => {
  let redis: TestRedis;
  const cleanup: (() => Promise<unknown>)[] = [];
  let pubsubs: RedisPubSub[];
  let servers: Server[];

  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(() => redis?.stop());

  async function twoNodes(): Promise<void> {
    pubsubs = [
      await createRedisPubSub({ url: redis.url, logger: false }),
      await createRedisPubSub({ url: redis.url, logger: false }),
    ];
    servers = await Promise.all(pubsubs.map((pubsub) => serve(room, { port: 0, logger: false, pubsub })));
    cleanup.push(async () => {
      await Promise.all(servers.map((s) => s.close({ timeout: 500 })));
      await Promise.all(pubsubs.map((p) => p.close()));
    });
  }

  afterEach(async () => {
    for (const c of cleanup.splice(0)) await c();
  });

  it("delivers a message published on one node to the subscribers on both, exactly once", async () => {
    await twoNodes();
    const [a, b, c] = await Promise.all([join(servers[0] as Server), join(servers[0] as Server), join(servers[1] as Server)]);
    a.ws.send("say hello");
    c.ws.send("bytes");
    await vi.waitFor(() => {
      for (const client of [a, b, c]) expect(client.messages).toHaveLength(2);
    });
    for (const client of [a, b, c]) {
      expect(client.messages).toContainEqual("hello");
      expect(client.messages).toContainEqual([0, 255, 10]);
    }
    // Nothing arrives twice, even after the dust settles.
    await servers[0]?.publish("room", "marker");
    await vi.waitFor(() => {
      for (const client of [a, b, c]) expect(client.messages.at(-1)).toBe("marker");
    });
    for (const client of [a, b, c]) expect(client.messages).toHaveLength(3);
  });

  it("honours exceptSelf across processes", async () => {
    await twoNodes();
    const [a, b] = await Promise.all([join(servers[0] as Server), join(servers[1] as Server)]);
    b.ws.send("shh only for a");
    b.ws.send("say for both");
    await vi.waitFor(() => expect(a.messages).toEqual(["only for a", "for both"]));
    await vi.waitFor(() => expect(b.messages).toEqual(["for both"]));
  });

  it("counts a topic's members across nodes and subscribes each channel once per process", async () => {
    await twoNodes();
    await Promise.all([join(servers[0] as Server), join(servers[0] as Server), join(servers[1] as Server)]);
    expect(await servers[0]?.count("room")).toBe(3);
    expect(await servers[1]?.count("room")).toBe(3);
    const probe = createClient({ url: redis.url });
    await probe.connect();
    const subscribed = await probe.pubSubNumSub("scallion:topic:{room}");
    expect(subscribed["scallion:topic:{room}"]).toBe(2); // one subscriber connection per node
    await probe.close();
  });

  it("survives a Redis restart: reconnects, resubscribes, and delivers again", async () => {
    await twoNodes();
    const [a, b] = await Promise.all([join(servers[0] as Server), join(servers[1] as Server)]);
    a.ws.send("say before");
    await vi.waitFor(() => expect(b.messages).toEqual(["before"]));
    await redis.restart();
    // Publish until the subscriber side is back; each attempt is a distinct message.
    let attempt = 0;
    await vi.waitFor(
      async () => {
        await servers[0]?.publish("room", `after ${++attempt}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
        expect(b.messages.some((m) => typeof m === "string" && m.startsWith("after"))).toBe(true);
      },
      { timeout: 15_000, interval: 100 },
    );
    b.ws.send("say from b");
    await vi.waitFor(() => expect(a.messages).toContain("from b"));
    await vi.waitFor(async () => expect(await servers[0]?.count("room")).toBe(2), { timeout: 5_000 });
  });

  it("withdraws presence and leaves every channel on close", async () => {
    await twoNodes();
    const [a] = await Promise.all([join(servers[0] as Server), join(servers[1] as Server)]);
    a.ws.close();
    await vi.waitFor(async () => expect(await servers[1]?.count("room")).toBe(1));
    await servers[0]?.close();
    await pubsubs[0]?.close();
    expect(pubsubs[0]?.topics).toBe(0);
    expect(await servers[1]?.count("room")).toBe(1);
  });
});
