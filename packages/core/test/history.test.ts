import { describe, expect, it, vi } from "vitest";
import type { Handler, Position, PubSub, Server } from "../src/index.js";
import { MemoryPubSub, OptionError, send, subscribe } from "../src/index.js";
import { start } from "./_server.js";
import { WebSocket } from "ws";

/** Subscribes to "feed", resuming after `?epoch=&offset=` when given, and says the outcome. */
const feed: Handler = async function* (scope, receiver) {
  const { epoch, offset } = scope.query;
  const since = epoch === undefined ? undefined : { epoch, offset: Number(offset) };
  yield send(`outcome: ${yield subscribe("feed", { since })}`);
  for await (const _ of receiver);
};

interface Frame {
  scallion: 1;
  kind: "message" | "position";
  topic: string;
  epoch?: string;
  offset?: number;
  text?: string;
  recovered?: boolean;
}

/** A client that keeps its last position, as a resuming client would. */
class Reader {
  readonly texts: string[] = [];
  readonly frames: Frame[] = [];
  readonly app: string[] = [];
  position: Position | undefined;
  ws: WebSocket | undefined;

  async open(server: Server): Promise<string> {
    const query = this.position === undefined ? "" : `?epoch=${this.position.epoch}&offset=${this.position.offset}`;
    const ws = (this.ws = new WebSocket(`${server.url}/${query}`));
    const before = this.app.length;
    ws.on("message", (data: Buffer) => {
      const text = data.toString();
      if (!text.startsWith('{"scallion":1')) return void this.app.push(text);
      const frame = JSON.parse(text) as Frame;
      this.frames.push(frame);
      if (frame.kind === "message") this.texts.push(frame.text as string);
      if (frame.epoch !== undefined && frame.offset !== undefined) this.position = { epoch: frame.epoch, offset: frame.offset };
    });
    await vi.waitFor(() => expect(this.app.length).toBeGreaterThan(before));
    return this.app.at(-1) as string;
  }

  async drop(): Promise<void> {
    const ws = this.ws as WebSocket;
    const closed = new Promise((resolve) => ws.once("close", resolve));
    ws.terminate();
    await closed;
  }
}

const numbers = (from: number, to: number): string[] => Array.from({ length: to - from + 1 }, (_, i) => String(from + i));

describe("history and resume", () => {
  it("sends where the topic stands on subscribe, then each message with its offset", async () => {
    const server = await start(feed, { pubsub: new MemoryPubSub({ history: { feed: { size: 10 } } }) });
    await server.publish("feed", "before");
    const reader = new Reader();
    expect(await reader.open(server)).toBe("outcome: subscribed");
    await server.publish("feed", "one");
    await server.publish("feed", new Uint8Array([0, 255]));
    await vi.waitFor(() => expect(reader.frames).toHaveLength(3));
    const [position, one, bytes] = reader.frames;
    expect(position).toEqual({ scallion: 1, kind: "position", topic: "feed", epoch: position?.epoch, offset: 1 });
    expect(one).toEqual({ scallion: 1, kind: "message", topic: "feed", epoch: position?.epoch, offset: 2, text: "one" });
    expect(bytes).toMatchObject({ kind: "message", offset: 3, bytes: "AP8=" });
  });

  it("replays 1,000 messages published while a client was away for 5 s, in order, once, then goes on live", async () => {
    const server = await start(feed, { pubsub: new MemoryPubSub({ history: { "fe*": { size: 2_000, ttl: 60_000 } } }) });
    const reader = new Reader();
    await reader.open(server);
    await server.publish("feed", "0");
    await vi.waitFor(() => expect(reader.texts).toEqual(["0"]));
    await reader.drop();
    const away = Date.now();
    for (let i = 1; i <= 1_000; i++) {
      await server.publish("feed", String(i));
      if (i % 200 === 0) await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, 5_000 - (Date.now() - away))));
    expect(await reader.open(server)).toBe("outcome: recovered");
    await server.publish("feed", "1001");
    await vi.waitFor(() => expect(reader.texts).toHaveLength(1_002));
    expect(reader.texts).toEqual(numbers(0, 1_001));
    expect(reader.frames.filter((f) => f.kind === "position").map((f) => [f.offset, f.recovered])).toEqual([
      [0, undefined],
      [1_001, true],
    ]);
  }, 15_000);

  it.each([false, true])(
    "has no gap and no duplicate at the seam through ten immediate reconnects under traffic, to either node (engine answers later: %s)",
    async (late) => {
      const memory = new MemoryPubSub({ history: { feed: { size: 10_000 } } });
      // Late: the history is read 20 ms after it is asked for, so live messages are held meanwhile
      // and the replay overlaps them.
      const pubsub: PubSub = late
        ? {
            subscribe: (topic, listener) => memory.subscribe(topic, listener),
            unsubscribe: (topic, listener) => memory.unsubscribe(topic, listener),
            publish: (message) => memory.publish(message),
            report: (node, topic, n) => memory.report(node, topic, n),
            count: (topic) => memory.count(topic),
            keepsHistory: (topic) => memory.keepsHistory(topic),
            recover: (topic, from) => new Promise((resolve) => setTimeout(() => resolve(memory.recover(topic, from)), 20)),
          }
        : memory;
      const nodes = [await start(feed, { pubsub }), await start(feed, { pubsub })];
      const reader = new Reader();
      await reader.open(nodes[0] as Server);
      let sent = 0;
      const timer = setInterval(() => {
        for (let i = 0; i < 5; i++) void nodes[sent % 2]?.publish("feed", String(++sent));
      }, 1);
      try {
        for (let drop = 1; drop <= 10; drop++) {
          await vi.waitFor(() => expect(reader.texts.length).toBeGreaterThan(drop * 20));
          await reader.drop();
          expect(await reader.open(nodes[drop % 2] as Server)).toBe("outcome: recovered");
        }
      } finally {
        clearInterval(timer);
      }
      await vi.waitFor(() => expect(reader.texts).toHaveLength(sent));
      expect(reader.texts).toEqual(numbers(1, sent));
    },
  );

  it("tells a client whose gap history no longer covers that it was not recovered, then goes on live", async () => {
    const server = await start(feed, { pubsub: new MemoryPubSub({ history: { feed: { size: 10 } } }) });
    const reader = new Reader();
    await reader.open(server);
    await reader.drop();
    for (let i = 1; i <= 20; i++) await server.publish("feed", String(i));
    expect(await reader.open(server)).toBe("outcome: not recovered");
    expect(reader.frames.at(-1)).toMatchObject({ kind: "position", offset: 20, recovered: false });
    await server.publish("feed", "21");
    await vi.waitFor(() => expect(reader.texts).toEqual(["21"]));
    // Another epoch (the history was lost, say a restart): not recovered either.
    reader.position = { epoch: "elsewhere", offset: 21 };
    await reader.drop();
    expect(await reader.open(server)).toBe("outcome: not recovered");
  });

  it("forgets messages after their ttl: a later resume is not recovered", async () => {
    const server = await start(feed, { pubsub: new MemoryPubSub({ history: { feed: { size: 10, ttl: 50 } } }) });
    const reader = new Reader();
    await reader.open(server);
    await reader.drop();
    await server.publish("feed", "soon gone");
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(await reader.open(server)).toBe("outcome: not recovered");
    expect(reader.texts).toEqual([]);
  });

  it("leaves topics without history as they were, and checks its options", async () => {
    const server = await start(feed, { pubsub: new MemoryPubSub({ history: { other: { size: 1 } } }) });
    const reader = new Reader();
    expect(await reader.open(server)).toBe("outcome: subscribed");
    await server.publish("feed", "plain");
    await vi.waitFor(() => expect(reader.app).toContain("plain"));
    expect(reader.frames).toEqual([]);
    expect(() => new MemoryPubSub({ history: { "a*b": { size: 1 } } })).toThrow(OptionError);
    expect(() => new MemoryPubSub({ history: { feed: { size: 0 } } })).toThrow(/history\["feed"\]\.size/);
    expect(() => new MemoryPubSub({ history: { feed: { size: 1, ttl: -1 } } })).toThrow(/ttl/);
    expect(() => subscribe("feed", { since: { epoch: "e", offset: -1 } })).toThrow(TypeError);
  });
});
