import { describe, expect, it, vi } from "vitest";
import type { Client } from "./_cluster.js";
import { clusters, onEveryWorker } from "./_cluster.js";

describe("a node:cluster whose primary stops answering", () => {
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
});
