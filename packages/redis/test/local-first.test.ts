import { describe, expect, it } from "vitest";
import { MAX_RECONNECT_DELAY } from "../src/index.js";
import { hasRedis } from "../src/testing.js";
import { join, nodesOnRedis } from "./_nodes.js";

describe.skipIf(!hasRedis)("local first, on a real redis-server", () => {
  const cluster = nodesOnRedis();

  it("delivers to this node's subscribers while Redis is stopped, and tells the publisher", async () => {
    const [one, two] = await cluster.two();
    const [a, b, c] = await Promise.all([join(one.server), join(one.server), join(two.server)]);
    await cluster.redis.stop();
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
      await cluster.redis.restart();
    }
  });

  it("does not make local delivery wait for a Redis that stops answering", async () => {
    const [one] = await cluster.two({ timeout: 300 });
    const [a, b] = await Promise.all([join(one.server), join(one.server)]);
    cluster.redis.pause();
    const started = Date.now();
    a.ws.send("say now");
    await b.wait(1);
    expect(Date.now() - started).toBeLessThan(150);
    expect(await a.wait(2)).toEqual(["now", "said: local"]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(one.pubsub.pending).toBeLessThanOrEqual(1);
  });

  it("delivers every message exactly once on every node, two servers sharing one engine among them", async () => {
    const [one, two] = await cluster.two();
    // A second server in the first process, on the same RedisPubSub: another node for Scallion.
    const { serve } = await import("@scallion/core");
    const { roomApp } = await import("./_nodes.js");
    const three = await serve(
      roomApp((topic) => three.count(topic)),
      { port: 0, logger: false, pubsub: one.pubsub },
    );
    cluster.nodes.push({ server: three, pubsub: one.pubsub });
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
