import { describe, expect, it } from "vitest";
import type { Channel } from "../src/backlog.js";
import { Backlog } from "../src/backlog.js";
import { Requests } from "../src/requests.js";

/** A channel whose peer has hung: nothing is written (no callback) and nothing is answered. */
function hung(): Channel & { sent: unknown[] } {
  const sent: unknown[] = [];
  return {
    sent,
    send(message) {
      sent.push(message);
      return false;
    },
  };
}

describe("a worker's requests to a primary that has hung", () => {
  it("waits at most maxPending at once; the others get their fallback at once, and every wait ends by the timeout", async () => {
    const channel = hung();
    const requests = new Requests(new Backlog(channel, 10), 3, 50, () => true);
    const count = () => requests.ask({ op: "count", topic: "t" }, (n) => n as number, () => -1);
    const waiting = [count(), count(), count()] as Promise<number>[];
    expect(waiting.every((w) => w instanceof Promise)).toBe(true);
    expect(count()).toBe(-1); // refused, not queued
    expect(channel.sent).toHaveLength(3);
    expect(await Promise.all(waiting)).toEqual([-1, -1, -1]);
    expect(requests.waiting).toBe(0);
  });

  it("refuses once maxPending messages wait to be written, though their requests timed out", async () => {
    const channel = hung();
    const requests = new Requests(new Backlog(channel, 2), 100, 20, () => true);
    const ask = () => requests.ask({ op: "count", topic: "t" }, () => 1, () => 0);
    await Promise.all([ask(), ask()]);
    expect(requests.waiting).toBe(0);
    expect(ask()).toBe(0);
    expect(channel.sent).toHaveLength(2);
  });

  it("still sends what must reach the primary, and nothing at all once the channel is closed", async () => {
    const channel = hung();
    let connected = true;
    const requests = new Requests(new Backlog(channel, 1), 1, 20, () => connected);
    await requests.tell({ op: "subscribe", topic: "a" });
    await requests.tell({ op: "subscribe", topic: "b" });
    expect(channel.sent).toHaveLength(2);
    connected = false;
    expect(requests.tell({ op: "subscribe", topic: "c" })).toBeUndefined();
    expect(requests.ask({ op: "count", topic: "t" }, () => 1, () => 0)).toBe(0);
    expect(channel.sent).toHaveLength(2);
  });

  it("ends every wait at once when the channel closes", async () => {
    const requests = new Requests(new Backlog(hung(), 10), 10, 60_000, () => true);
    const waiting = requests.ask({ op: "count", topic: "t" }, () => 1, () => 0);
    requests.abandon();
    expect(await waiting).toBe(0);
  });
});
