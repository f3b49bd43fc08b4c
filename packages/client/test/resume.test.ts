import type { Handler } from "@scallion/core";
import { close, send, subscribe } from "@scallion/core";
import { describe, expect, it, vi } from "vitest";
import type { Client } from "../src/client.js";
import { json } from "../src/schema.js";
import type { GapInfo, ResumeInfo } from "../src/state.js";
import { client } from "./_clients.js";
import { historyEngine, numbered, record, room } from "./_history.js";
import { startServer } from "./_server.js";

const fast = { reconnect: { min: 10, max: 50 } };

/** The next `resume` event of `c`. */
const nextResume = (c: Client<unknown, unknown>): Promise<ResumeInfo> =>
  new Promise((resolve) => {
    const off = c.on("resume", (info) => (off(), resolve(info)));
  });

/** Two nodes sharing one in-memory engine that keeps history: the client is on `a`, `b` publishes. */
async function twoNodes(size?: number) {
  const pubsub = historyEngine(size);
  return { a: await startServer(room, { pubsub }), b: await startServer(room, { pubsub }) };
}

/** Sends `text` through the client's own connection and waits for it to come back: it is subscribed. */
async function joined(c: Client<unknown, unknown>, seen: { messages: unknown[] }, text = "joined"): Promise<void> {
  c.send(text);
  await vi.waitFor(() => expect(seen.messages).toContain(text));
}

describe("resuming topics with history", () => {
  it("hands the application what was published, as on a topic without history: text, bytes, typed JSON", async () => {
    const { a } = await twoNodes();
    const raw = client(`${a.url}/?room=room:unwrap`);
    const typed = client<ReturnType<typeof json<{ n: number }>>>(`${a.url}/?room=room:unwrap`, { incoming: json<{ n: number }>() });
    const [r, t] = [record(raw), record(typed)];
    const errors: string[] = [];
    typed.on("error", (error) => errors.push(error.code));
    typed.send('{"n":0}');
    await vi.waitFor(() => expect(t.messages).toEqual([{ n: 0 }]));
    await joined(raw, r, '{"n":1}');
    raw.send(new Uint8Array([1, 2, 3]));
    raw.send('{"n":2}');
    await vi.waitFor(() => expect(t.messages).toEqual([{ n: 0 }, { n: 1 }, { n: 2 }]));
    expect(r.messages.slice(-3)).toEqual(['{"n":1}', new Uint8Array([1, 2, 3]), '{"n":2}']);
    expect(errors).toEqual(["SCALLION_INVALID_MESSAGE"]); // the bytes, which are not JSON, as without history
    expect(r.resumes).toEqual([]);
  });

  it("delivers 1,000 messages published while it was away, in order and exactly once, then the live ones", async () => {
    const { a, b } = await twoNodes();
    const c = client(a.url, fast);
    const seen = record(c);
    await joined(c, seen, "before");
    await a.stop();
    // Away for about a second, while the other node publishes in bursts.
    for (let burst = 0; burst < 10; burst++) {
      for (let i = 1; i <= 100; i++) await b.publish("room:a", `m${burst * 100 + i}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const resumed = nextResume(c);
    await a.start();
    await c.opened();
    const opened = performance.now();
    expect(await resumed).toEqual({ topic: "room:a", recovered: true });
    await vi.waitFor(() => expect(seen.messages).toHaveLength(1_001), { timeout: 5_000 });
    const replayed = performance.now() - opened;
    await b.publish("room:a", "live");
    await vi.waitFor(() => expect(seen.messages).toHaveLength(1_002));
    expect(seen.messages).toEqual(["before", ...numbered("m", 1_000), "live"]);
    expect(replayed).toBeLessThan(3_000);
  });

  it("resumes through ten short drops in a row, each with messages published meanwhile", async () => {
    const { a, b } = await twoNodes();
    const c = client(a.url, fast);
    const seen = record(c);
    await joined(c, seen, "m0");
    for (let drop = 0; drop < 10; drop++) {
      const resumed = nextResume(c);
      c.send("drop");
      for (let i = 1; i <= 5; i++) await b.publish("room:a", `m${drop * 5 + i}`);
      expect(await resumed).toEqual({ topic: "room:a", recovered: true });
    }
    await vi.waitFor(() => expect(seen.messages).toHaveLength(51));
    expect(seen.messages).toEqual(numbered("m", 51, 0));
    expect(seen.resumes).toHaveLength(10);
  });

  it("has no gap and no duplicate at the seam when it reconnects at once while messages keep coming", async () => {
    const { a, b } = await twoNodes();
    const c = client(a.url, { reconnect: { min: 1, max: 1 } });
    const seen = record(c);
    await joined(c, seen, "p0");
    const total = 1_500;
    const publishing = (async () => {
      for (let n = 1; n <= total; n++) {
        await b.publish("room:a", `p${n}`);
        if (n % 10 === 0) await new Promise(setImmediate);
      }
    })();
    for (const at of [300, 700, 1_100]) {
      await vi.waitFor(() => expect(seen.messages.length).toBeGreaterThanOrEqual(at), { timeout: 5_000, interval: 1 });
      c.send("drop");
    }
    await publishing;
    await vi.waitFor(() => expect(seen.messages).toHaveLength(total + 1), { timeout: 5_000 });
    expect(seen.messages).toEqual(numbered("p", total + 1, 0));
    expect(seen.resumes).toEqual(Array(3).fill({ topic: "room:a", recovered: true }));
  });

  it("says not recovered when history no longer covers the gap, then resumes from where the topic stands", async () => {
    const { a, b } = await twoNodes(10);
    const c = client(a.url, fast);
    const seen = record(c);
    await joined(c, seen, "before");
    await a.stop();
    for (let i = 1; i <= 20; i++) await b.publish("room:a", `lost ${i}`);
    const lost = nextResume(c);
    await a.start();
    expect(await lost).toEqual({ topic: "room:a", recovered: false });
    await b.publish("room:a", "live");
    await vi.waitFor(() => expect(seen.messages).toEqual(["before", "live"]));
    const resumed = nextResume(c);
    c.send("drop");
    await b.publish("room:a", "missed");
    expect(await resumed).toEqual({ topic: "room:a", recovered: true });
    await vi.waitFor(() => expect(seen.messages).toEqual(["before", "live", "missed"]));
  });

  it("says not recovered when the history is another one (a new epoch: the engine restarted)", async () => {
    const { a } = await twoNodes();
    const c = client(a.url, fast);
    const seen = record(c);
    await joined(c, seen);
    await a.stop();
    a.options = { pubsub: historyEngine() };
    const resumed = nextResume(c);
    await a.start();
    expect(await resumed).toEqual({ topic: "room:a", recovered: false });
  });

  it("says not recovered when the server does not resume, and sends no since with resume: false", async () => {
    const asked: (string | undefined)[] = [];
    const plain: Handler = async function* (scope, receiver) {
      asked.push(scope.query.since);
      yield subscribe("room:a");
      for await (const message of receiver) if (message === "drop") return;
    };
    const server = await startServer(plain, { pubsub: historyEngine() });
    const c = client(server.url, fast);
    const resumed = nextResume(c);
    await vi.waitFor(() => expect(asked).toHaveLength(1));
    c.send("drop");
    expect(await resumed).toEqual({ topic: "room:a", recovered: false });
    expect(asked[1]).toMatch(/^cm9vbTph\.[\w-]+\.\d+$/);

    const off = client(server.url, { ...fast, resume: false });
    await off.opened();
    off.send("drop");
    await vi.waitFor(() => expect(asked).toHaveLength(4));
    expect(asked.slice(2)).toEqual([undefined, undefined]);
    expect(() => client(`${server.url}/?since=mine`)).toThrow(expect.objectContaining({ code: "SCALLION_INVALID_OPTION" }));
  });

  it("drops a duplicate the server sends, and reports a gap without hiding it", async () => {
    const frame = (kind: string, fields: object) => JSON.stringify({ scallion: 1, kind, topic: "t", ...fields });
    const server = await startServer(async function* (_scope, receiver) {
      yield send(frame("position", { epoch: "e", offset: 0 }));
      for (const [offset, text] of [[1, "one"], [1, "one again"], [3, "three"]] as const) yield send(frame("message", { epoch: "e", offset, text }));
      yield send(frame("message", { text: "unrecorded" }));
      yield send(frame("message", { epoch: "e", offset: 4, bytes: "AQI=" }));
      yield send(frame("later", { epoch: "e", offset: 9 }));
      yield send('{"scallion":2,"kind":"message"}');
      for await (const _ of receiver);
    });
    const c = client(server.url);
    const seen = record(c);
    const gaps: GapInfo[] = [];
    c.on("gap", (gap) => gaps.push(gap));
    await vi.waitFor(() => expect(seen.messages).toHaveLength(5));
    expect(seen.messages).toEqual(["one", "three", "unrecorded", new Uint8Array([1, 2]), '{"scallion":2,"kind":"message"}']);
    expect(gaps).toEqual([{ topic: "t", last: { epoch: "e", offset: 1 }, next: { epoch: "e", offset: 3 } }]);
  });

  it("says not recovered when a resumed topic's messages come without the server's answer (its engine was down)", async () => {
    const frame = (kind: string, offset: number) => JSON.stringify({ scallion: 1, kind, topic: "t", epoch: "e", offset, text: `m${offset}` });
    let connections = 0;
    const server = await startServer(async function* (_scope, receiver) {
      if (++connections === 1) {
        yield send(frame("position", 0));
        yield send(frame("message", 1));
        yield close(4000);
      }
      yield send(frame("message", 2));
      for await (const _ of receiver);
    });
    const c = client(server.url, fast);
    const seen = record(c);
    await vi.waitFor(() => expect(seen.messages).toEqual(["m1", "m2"]));
    expect(seen.resumes).toEqual([{ topic: "t", recovered: false }]);
  });
});
