import { runInNewContext } from "node:vm";
import { setFlagsFromString } from "node:v8";
import { describe, expect, it, vi } from "vitest";
import { MAX_RECONNECT_DELAY } from "../src/index.js";
import { hasRedis } from "../src/testing.js";
import { join, nodesOnRedis } from "./_nodes.js";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

function heapAfterGc(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

const MiB = 1024 * 1024;

describe.skipIf(!hasRedis)("bounded and honest during a Redis outage", () => {
  const cluster = nodesOnRedis();

  it("completes joins, counts and leaves at once while Redis is down, counting what each node knows", async () => {
    const [one, two] = await cluster.two();
    await cluster.redis.stop();
    try {
      const started = Date.now();
      const a = await join(one.server, "/?room=new");
      const b = await join(one.server, "/?room=new");
      const c = await join(two.server, "/?room=new");
      expect(Date.now() - started).toBeLessThan(500);
      expect([a.joined, b.joined, c.joined]).toEqual(["joined: subscribed 1", "joined: subscribed 2", "joined: subscribed 1"]);
      a.ws.close();
      expect(await b.wait(1)).toEqual(["left"]);
      b.ws.send("count");
      expect(await b.wait(2)).toEqual(["left", "members: 1"]);
      expect(one.pubsub.pending).toBe(0);
    } finally {
      await cluster.redis.restart();
    }
  });

  it("waits on a Redis that stops answering no longer than its timeout, with at most maxPending commands", async () => {
    const [one] = await cluster.two({ timeout: 300, maxPending: 5 });
    const a = await join(one.server, "/?room=hung");
    cluster.redis.pause();
    const started = Date.now();
    const b = await join(one.server, "/?room=hung"); // a count waits on Redis: bounded
    const c = await join(one.server, "/?room=another"); // a new channel's SUBSCRIBE too
    expect(Date.now() - started).toBeLessThan(2 * 300 + 400);
    expect([b.joined, c.joined]).toEqual(["joined: subscribed 2", "joined: subscribed 1"]);
    const outcomes = await Promise.all(Array.from({ length: 50 }, (_, i) => one.server.publish("hung", `burst ${i}`)));
    expect(new Set(outcomes)).toEqual(new Set(["local"]));
    expect(one.pubsub.pending).toBeLessThanOrEqual(5);
    expect((await a.wait(50)).slice(-1)).toEqual(["burst 49"]);
    expect(Date.now() - started).toBeLessThan(3 * 300 + 1000);
  });

  it("restores subscriptions and presence after Redis restarts empty, and delivers again within a second or so", async () => {
    const [one, two] = await cluster.two();
    await cluster.redis.stop();
    // Joined while Redis was down: known only to their own nodes.
    const a = await join(one.server, "/?room=later");
    const b = await join(two.server, "/?room=later");
    await cluster.redis.restart();
    const back = Date.now();
    let n = 0;
    const timer = setInterval(() => void one.server.publish("later", `ping ${++n}`), 20);
    try {
      await b.wait(1, 5_000);
    } finally {
      clearInterval(timer);
    }
    const resumed = Date.now() - back;
    expect(resumed).toBeLessThan(MAX_RECONNECT_DELAY + 1_000);
    await vi.waitFor(async () => expect(await two.server.count("later")).toBe(2), { timeout: 2_000 });
    b.ws.send("say from two");
    await vi.waitFor(() => expect(a.messages).toContain("from two"));
    console.log(`delivery resumed ${resumed} ms after Redis accepted connections again`);
  });

  it("holds bounded memory through a connect-and-leave flood into new rooms during a 10 s outage", async () => {
    const [one] = await cluster.two();
    const before = heapAfterGc();
    await cluster.redis.stop();
    const samples: number[] = [];
    let joins = 0;
    let slowest = 0;
    try {
      const end = Date.now() + 10_000;
      let next = Date.now() + 2_000;
      const worker = async (): Promise<void> => {
        while (Date.now() < end) {
          const started = Date.now();
          const client = await join(one.server, `/?room=flood-${joins++}`);
          slowest = Math.max(slowest, Date.now() - started);
          const closed = new Promise((resolve) => client.ws.once("close", resolve));
          client.ws.close();
          await closed;
          if (Date.now() > next) {
            next += 2_000;
            samples.push(heapAfterGc() - before);
          }
        }
      };
      await Promise.all(Array.from({ length: 16 }, worker));
    } finally {
      await cluster.redis.restart();
    }
    await vi.waitFor(() => expect(one.server.connections).toBe(0));
    const after = heapAfterGc() - before;
    console.log(
      `${joins} joins in 10 s of outage, slowest ${slowest} ms; heap growth after GC ${samples.map((s) => (s / MiB).toFixed(1)).join(", ")} MiB during, ${(after / MiB).toFixed(1)} MiB after`,
    );
    expect(joins).toBeGreaterThan(1_000);
    expect(slowest).toBeLessThan(1_000);
    for (const sample of [...samples, after]) expect(sample).toBeLessThan(16 * MiB);
    expect(one.pubsub.topics).toBe(0);
    expect(one.pubsub.pending).toBe(0);
    expect(one.server.stats().subscriptions).toBe(0);
  }, 40_000);
});

