import { describe, expect, it, vi } from "vitest";
import type { Client } from "./_cluster.js";
import { clusters, onEveryWorker } from "./_cluster.js";

describe("a node:cluster with a process that stops", () => {
  const fixture = clusters();

  it("delivers on each worker at once, tells the publisher local after the timeout, and recovers", async () => {
    const cluster = await fixture.start({ CLUSTER_TIMEOUT: "300" });
    const [[a, b], [c]] = (await onEveryWorker(cluster, 2)) as [Client[], Client[]] as [[Client, Client], [Client]];
    cluster.primary.kill("SIGSTOP"); // hung: the channel stays open, nothing is read or answered
    try {
      const started = Date.now();
      a.ws.send("say now");
      expect(await b.wait(1)).toEqual(["now"]);
      expect(await a.wait(2)).toEqual(["now", "said local"]);
      expect(Date.now() - started).toBeGreaterThanOrEqual(290);
      // The handler goes on: the next ones are bounded the same way, and a count answers locally.
      a.ws.send("say again");
      a.ws.send("count");
      expect(await a.wait(5)).toEqual(["now", "said local", "again", "said local", "members 2"]);
      expect(c.messages).toEqual([]);
    } finally {
      cluster.primary.kill("SIGCONT");
    }
    // The primary reads what was written meanwhile, and relays again.
    a.ws.send("say later");
    await vi.waitFor(() => expect(a.messages.slice(5)).toEqual(["later", "said published"]));
    await vi.waitFor(() => expect(c.messages.at(-1)).toBe("later"));
  });

  it("does not hold the other workers up for a worker that stops reading, and holds at most maxBacklog for it", async () => {
    const cluster = await fixture.start({ HUB_MAX_BACKLOG: "20" });
    const [[a], [b]] = (await onEveryWorker(cluster, 1)) as [Client[], Client[]] as [[Client], [Client]];
    process.kill(cluster.workers[a.worker] as number, "SIGSTOP");
    try {
      // 300 × 10 kB: more than the pipe to the stopped worker takes.
      const big = "x".repeat(10_000);
      for (let i = 0; i < 300; i++) b.ws.send(`say ${big}${i}`);
      const seen = await b.wait(600);
      expect(seen.filter((m) => m === "said published")).toHaveLength(300);
      expect((await cluster.hub()).dropped).toBeGreaterThan(0);
    } finally {
      process.kill(cluster.workers[a.worker] as number, "SIGCONT");
    }
    // Once the worker has read what was queued for it, messages reach it again.
    await vi.waitFor(
      () => {
        b.ws.send("say after");
        expect(a.messages).toContain("after");
      },
      { timeout: 5_000, interval: 100 },
    );
    expect(a.messages.filter((m) => m !== "after").length).toBeLessThan(300);
  });

  it("forgets every topic once the connections have left", async () => {
    const cluster = await fixture.start();
    const clients = (await onEveryWorker(cluster, 2, "/?room=r")).flat();
    // "r", and the path's own topic (for broadcast) that every connection is in.
    expect(await cluster.hub()).toMatchObject({ topics: 2, workers: 2 });
    for (const c of clients) c.ws.close();
    await vi.waitFor(async () => expect(await cluster.hub()).toEqual({ dropped: 0, topics: 0, workers: 0 }));
  });
});
