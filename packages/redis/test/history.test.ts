import type { Position, Server } from "@scallion/core";
import { serve } from "@scallion/core";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { RedisPubSub } from "../src/index.js";
import { createRedisPubSub } from "../src/index.js";
import type { TestRedis } from "../src/testing.js";
import { hasRedis, startRedis } from "../src/testing.js";
import { feed, numbers, reader } from "./_history.js";

describe.skipIf(!hasRedis)("history in Redis Streams, resumed on any node", () => {
  let redis: TestRedis;
  const pubsubs: RedisPubSub[] = [];
  const servers: Server[] = [];

  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(() => redis?.stop());
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close({ timeout: 500 })));
    await Promise.all(pubsubs.splice(0).map((p) => p.close()));
  });

  let run = 0;
  async function twoNodes(size = 5_000): Promise<[Server, Server]> {
    const prefix = `history-${++run}:`; // each test its own streams
    for (let i = 0; i < 2; i++) {
      const pubsub = await createRedisPubSub({ url: redis.url, prefix, logger: false, history: { "fe*": { size, ttl: 60_000 } } });
      pubsubs.push(pubsub);
      servers.push(await serve(feed, { port: 0, logger: false, pubsub }));
    }
    return servers as [Server, Server];
  }

  it("replays 1,000 messages published while a client was away for 5 s when it comes back on the other node", async () => {
    const [one, two] = await twoNodes();
    const client = reader();
    expect(await client.open(one)).toBe("outcome: subscribed");
    await two.publish("feed", "0");
    await vi.waitFor(() => expect(client.texts).toEqual(["0"]));
    await client.drop();
    const away = Date.now();
    for (let i = 1; i <= 1_000; i++) {
      await (i % 2 === 0 ? one : two).publish("feed", String(i));
      if (i % 250 === 0) await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, 5_000 - (Date.now() - away))));
    expect(await client.open(two)).toBe("outcome: recovered");
    await one.publish("feed", new Uint8Array([0, 255]));
    await vi.waitFor(() => expect(client.texts).toHaveLength(1_002));
    expect(client.texts).toEqual([...numbers(0, 1_000), "bytes AP8="]);
    expect(client.frames.filter((f) => f.kind === "position").map((f) => [f.offset, f.recovered])).toEqual([
      [0, undefined],
      [1_001, true],
    ]);
  }, 15_000);

  it("has no gap and no duplicate through ten immediate reconnects under traffic, alternating nodes", async () => {
    const nodes = await twoNodes();
    const client = reader();
    await client.open(nodes[0]);
    let sent = 0;
    const timer = setInterval(() => {
      for (let i = 0; i < 3; i++) void nodes[sent % 2]?.publish("feed", String(++sent));
    }, 2);
    try {
      for (let drop = 1; drop <= 10; drop++) {
        await vi.waitFor(() => expect(client.texts.length).toBeGreaterThan(drop * 15));
        await client.drop();
        expect(await client.open(nodes[drop % 2] as Server)).toBe("outcome: recovered");
      }
    } finally {
      clearInterval(timer);
    }
    await vi.waitFor(() => expect(client.texts).toHaveLength(sent));
    // Two nodes publish at once, so Redis orders them: every one exactly once, offsets without a gap.
    expect([...client.texts].sort((a, b) => Number(a) - Number(b))).toEqual(numbers(1, sent));
    const offsets = client.frames.filter((f) => f.kind === "message").map((f) => f.offset);
    expect(offsets).toEqual(Array.from({ length: sent }, (_, i) => i + 1));
  });

  it("says not recovered past the stream's size, and after a Redis restart (a new epoch)", async () => {
    const [one, two] = await twoNodes(10);
    const client = reader();
    await client.open(one);
    await client.drop();
    for (let i = 1; i <= 20; i++) await one.publish("feed", String(i));
    expect(await client.open(two)).toBe("outcome: not recovered");
    expect(client.frames.at(-1)).toMatchObject({ kind: "position", offset: 20, recovered: false });
    const before = client.position as Position;
    await client.drop();
    await redis.restart();
    await vi.waitFor(async () => expect(await one.publish("feed", "after")).toBe("published"), { timeout: 5_000 });
    expect(await client.open(one)).toBe("outcome: not recovered");
    expect(client.position?.epoch).not.toBe(before.epoch);
    expect(client.position?.offset).toBeGreaterThanOrEqual(1);
  });
});
