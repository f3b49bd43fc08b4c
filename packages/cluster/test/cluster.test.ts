import { describe, expect, it, vi } from "vitest";
import type { Client } from "./_cluster.js";
import { clusters, counts, join, onEveryWorker } from "./_cluster.js";

describe("two node:cluster workers on one port, pub/sub through the primary", () => {
  const fixture = clusters();

  it("delivers every message exactly once to every subscriber on every worker, each publisher's in order", async () => {
    const cluster = await fixture.start();
    const clients = (await onEveryWorker(cluster, 2)).flat();
    expect(new Set(clients.map((c) => c.worker)).size).toBe(2);
    const per = 50;
    for (let i = 0; i < per; i++) for (const [k, c] of clients.entries()) c.ws.send(`say ${k}:${i}`);
    const expected = clients.flatMap((_, k) => Array.from({ length: per }, (_, i) => `${k}:${i}`)).sort();
    for (const c of clients) {
      const seen = await c.wait(expected.length + per);
      expect(seen.filter((m) => !m.startsWith("said")).sort()).toEqual(expected);
      expect(seen.filter((m) => m.startsWith("said"))).toEqual(Array(per).fill("said published"));
      for (const [j] of clients.entries()) {
        expect(seen.filter((m) => m.startsWith(`${j}:`))).toEqual(Array.from({ length: per }, (_, i) => `${j}:${i}`));
      }
    }
    // No late duplicate either: once a last message has come, nothing else came.
    clients[0]?.ws.send("say end");
    for (const [k, c] of clients.entries()) {
      const total = expected.length + per + (k === 0 ? 2 : 1); // the publisher's "said" too
      await c.wait(total);
      expect(c.messages).toContain("end");
      expect(c.messages).toHaveLength(total);
    }
  });

  it("keeps text text and bytes bytes across workers, whatever they hold", async () => {
    const cluster = await fixture.start();
    const [[a], [b]] = (await onEveryWorker(cluster, 1)) as [Client[], Client[]] as [[Client], [Client]];
    a.ws.send(Uint8Array.from([0, 1, 2, 255, 34, 92]));
    a.ws.send('say {"text":"\\u0000"}');
    expect(await b.wait(2)).toEqual(["binary 000102ff225c", '{"text":"\\u0000"}']);
    // On a topic with history, bytes go out base64 in the envelope.
    const [[c], [d]] = (await onEveryWorker(cluster, 1, "/?room=h:bytes")) as [Client[], Client[]] as [[Client], [Client]];
    c.ws.send(Uint8Array.from([0, 255]));
    await vi.waitFor(() => expect(d.messages.map((m) => JSON.parse(m) as unknown)).toContainEqual(expect.objectContaining({ offset: 1, bytes: "AP8=" })));
  });

  it("honours exceptSelf on every worker", async () => {
    const cluster = await fixture.start();
    const [[a, b], [c]] = (await onEveryWorker(cluster, 2)) as [Client[], Client[]] as [[Client, Client], [Client]];
    a.ws.send("shout hello");
    expect(await a.wait(1)).toEqual(["said published"]);
    expect(await b.wait(1)).toEqual(["hello"]);
    expect(await c.wait(1)).toEqual(["hello"]);
    c.ws.send("shout back");
    expect(await c.wait(2)).toEqual(["hello", "said published"]);
    expect(await a.wait(2)).toEqual(["said published", "back"]);
    expect(await b.wait(2)).toEqual(["hello", "back"]);
  });

  it("counts presence across workers", async () => {
    const cluster = await fixture.start();
    const [[a], [b]] = (await onEveryWorker(cluster, 1, "/?room=p")) as [Client[], Client[]] as [[Client], [Client]];
    await counts(a, 2);
    b.ws.close();
    await counts(a, 1);
  });

  it("forgets the subscriptions and presence of a worker that dies", async () => {
    const cluster = await fixture.start();
    const [[a], [b]] = (await onEveryWorker(cluster, 1, "/?room=p")) as [Client[], Client[]] as [[Client], [Client]];
    await counts(b, 2);
    process.kill(cluster.workers[a.worker] as number, "SIGKILL");
    await counts(b, 1);
    b.ws.send("say still-here");
    await vi.waitFor(() => expect(b.messages).toEqual(expect.arrayContaining(["still-here", "said published"])));
  });

  it("leaves the application's own IPC messages alone", async () => {
    // The fixture's primary learns its workers' URLs from their own process.send(): it started.
    const cluster = await fixture.start();
    expect(Object.keys(cluster.workers)).toHaveLength(2);
    expect((await join(cluster)).outcome).toBe("subscribed");
  });
});
