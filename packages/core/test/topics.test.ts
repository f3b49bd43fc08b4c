import { describe, expect, it, vi } from "vitest";
import type { CloseInfo, Handler, Outcome } from "../src/index.js";
import type { Encoded } from "../src/transport-entry.js";
import { MemoryPubSub, publish, send, serve, subscribe, unsubscribe, websocket } from "../src/index.js";
import { Topics } from "../src/topics.js";
import { openClient } from "./_client.js";
import { start } from "./_server.js";

/** Joins `?topic=` (default "t"); then "say X" publishes X to all, "shh X" to all but itself, "leave" leaves. */
const room: Handler = async function* (scope, receiver) {
  const topic = scope.query.topic ?? "t";
  yield send(`joined: ${yield subscribe(topic)}`);
  for await (const message of receiver) {
    const text = message as string;
    if (text.startsWith("say ")) yield send(`said: ${yield publish(topic, text.slice(4))}`);
    if (text.startsWith("shh ")) yield publish(topic, text.slice(4), { exceptSelf: true });
    if (text === "leave") yield send(`left: ${yield unsubscribe(topic)}`);
  }
};

describe("topics", () => {
  it("delivers a publish to every subscriber, the sender included, with outcomes", async () => {
    const server = await start(room);
    const [a, b] = await Promise.all([openClient(`${server.url}/`), openClient(`${server.url}/`)]);
    expect(await a.next()).toBe("joined: subscribed");
    expect(await b.next()).toBe("joined: subscribed");
    a.ws.send("say hello");
    expect(await a.next()).toBe("hello");
    expect(await a.next()).toBe("said: published");
    expect(await b.next()).toBe("hello");
  });

  it("honours exceptSelf", async () => {
    const server = await start(room);
    const [a, b] = await Promise.all([openClient(`${server.url}/`), openClient(`${server.url}/`)]);
    await Promise.all([a.next(), b.next()]);
    a.ws.send("shh secret");
    a.ws.send("say public");
    expect(await b.next()).toBe("secret");
    expect(await b.next()).toBe("public");
    expect(await a.next()).toBe("public"); // never "secret"
  });

  it("stops delivering after unsubscribe, and ends subscriptions with the connection", async () => {
    const pubsub = new MemoryPubSub();
    const server = await start(room, { pubsub });
    const [a, b] = await Promise.all([openClient(`${server.url}/`), openClient(`${server.url}/`)]);
    await Promise.all([a.next(), b.next()]);
    expect(server.stats().subscriptions).toBe(4); // two topics "t" and two path topics
    expect(await server.count("t")).toBe(2);
    b.ws.send("leave");
    expect(await b.next()).toBe("left: unsubscribed");
    expect(await server.count("t")).toBe(1);
    a.ws.send("say only a");
    expect(await a.next()).toBe("only a");
    expect(await a.next()).toBe("said: published");
    b.ws.send("say b is not listening");
    expect(await a.next()).toBe("b is not listening");
    a.ws.close();
    b.ws.close();
    await vi.waitFor(() => expect(server.stats().subscriptions).toBe(0));
    expect(pubsub.topics).toBe(0);
    expect(await server.count("t")).toBe(0);
  });

  it("leaves every topic it is still in when it ends, however many it joined and left", async () => {
    const pubsub = new MemoryPubSub();
    const many: Handler = async function* (_scope, receiver) {
      for await (const message of receiver) {
        const [verb, topic] = (message as string).split(" ") as [string, string];
        yield send(`${verb} ${topic}: ${yield verb === "join" ? subscribe(topic) : unsubscribe(topic)}`);
      }
    };
    const server = await start(many, { pubsub });
    const client = await openClient(`${server.url}/`);
    for (const step of ["join a", "join a", "leave a", "join b", "join a", "join c", "leave b"]) {
      client.ws.send(step);
      expect(await client.next()).toMatch(new RegExp(`^${step}: `));
    }
    expect([await server.count("a"), await server.count("b"), await server.count("c")]).toEqual([1, 0, 1]);
    client.ws.close();
    await vi.waitFor(() => expect(server.stats().subscriptions).toBe(0));
    expect(pubsub.topics).toBe(0);
  });

  it("carries out unsubscribe and publish from a finally block after the client has left", async () => {
    const pubsub = new MemoryPubSub();
    const app: Handler = async function* (scope, receiver) {
      yield subscribe("room");
      yield send("joined");
      try {
        for await (const _ of receiver);
      } finally {
        const left = yield unsubscribe("room");
        const members = pubsub.count("room");
        yield publish("room", `${scope.query.name} left (${left}), ${members} remain`);
        yield send("never sent: the connection is gone");
      }
    };
    const server = await start(app, { pubsub });
    const stay = await openClient(`${server.url}/?name=stay`);
    const leave = await openClient(`${server.url}/?name=leave`);
    await Promise.all([stay.next(), leave.next()]);
    leave.ws.close();
    expect(await stay.next()).toBe("leave left (unsubscribed), 1 remain");
  });

  it("publishes from outside any handler with server.publish", async () => {
    const server = await start(room);
    const client = await openClient(`${server.url}/?topic=news`);
    await client.next();
    await server.publish("news", "extra!");
    await server.publish("news", new Uint8Array([1, 2]));
    expect(await client.next()).toBe("extra!");
    expect([...((await client.next()) as Buffer)]).toEqual([1, 2]);
  });

  it("broadcasts to every connection on a path, except the excluded ones", async () => {
    const ids: string[] = [];
    const server = await start(async function* (scope, receiver) {
      ids.push(scope.id);
      yield send("hi");
      for await (const _ of receiver);
    });
    const [a, b, c] = await Promise.all([
      openClient(`${server.url}/lobby`),
      openClient(`${server.url}/lobby`),
      openClient(`${server.url}/elsewhere`),
    ]);
    await Promise.all([a.next(), b.next(), c.next()]);
    await server.broadcast("/lobby", "to the lobby", { exclude: ids[1] });
    await server.broadcast("/elsewhere", "to elsewhere");
    expect(await a.next()).toBe("to the lobby");
    expect(await c.next()).toBe("to elsewhere");
    await server.broadcast("/lobby", "again");
    expect(await b.next()).toBe("again"); // b was excluded the first time
    expect(await a.next()).toBe("again");
  });

  it("fans out across servers sharing a pub/sub engine, exactly once each, and counts across them", async () => {
    const pubsub = new MemoryPubSub();
    const one = await start(room, { pubsub });
    const two = await start(room, { pubsub });
    const clients = await Promise.all([
      openClient(`${one.url}/`),
      openClient(`${one.url}/`),
      openClient(`${two.url}/`),
    ]);
    await Promise.all(clients.map((c) => c.next()));
    expect(await one.count("t")).toBe(3);
    expect(await two.count("t")).toBe(3);
    clients[2]?.ws.send("say across");
    for (const c of clients) expect(await c.next()).toBe("across");
    clients[2]?.ws.send("say second");
    for (const c of clients) {
      // the publisher also gets its "said:" confirmation; others get exactly one copy
      let next = await c.next();
      if (next === "said: published") next = await c.next();
      expect(next).toBe("second");
    }
  });

  it("encodes each published message once for all subscribers", async () => {
    const topics = new Topics(new MemoryPubSub());
    const seen: Encoded[] = [];
    const subscriber = (id: string) => ({ id, deliver: (m: Encoded) => void seen.push(m) });
    await Promise.all(["a", "b", "c"].map((id) => topics.join("x", subscriber(id))));
    await topics.publish({ topic: "x", data: "shared", exclude: ["b"] });
    expect(seen).toHaveLength(2);
    expect(seen[0]).toBe(seen[1]);
    expect(Buffer.from(seen[0]?.bytes ?? []).toString()).toBe("shared");
    // Framed once: every subscriber's socket is handed the very same bytes.
    expect(seen[0]?.frame).toBe(seen[1]?.frame);
    expect(Buffer.from(seen[0]?.frame ?? []).equals(Buffer.from([0x81, 6, ...Buffer.from("shared")]))).toBe(true);
  });

  it.each([false, true])(
    "keeps sends and published messages in the order they were made (compression negotiated: %s)",
    async (perMessageDeflate) => {
      const server = await start(
        async function* (_scope, receiver) {
          yield subscribe("t");
          for await (const message of receiver) {
            yield send(`direct ${message as string}`);
            yield publish("t", `published ${message as string}`);
            yield send(Buffer.from(`bytes ${message as string}`));
          }
        },
        { perMessageDeflate },
      );
      const client = await openClient(`${server.url}/`, { perMessageDeflate });
      const count = 500;
      for (let i = 0; i < count; i++) client.ws.send(String(i));
      for (let i = 0; i < count; i++) {
        expect(await client.next()).toBe(`direct ${i}`);
        expect(await client.next()).toBe(`published ${i}`);
        expect((await client.next()).toString()).toBe(`bytes ${i}`);
      }
      expect(client.ws.extensions).toBe(perMessageDeflate ? "permessage-deflate" : "");
    },
  );

  it("closes a subscriber that falls too far behind with 1013, without slowing the others", async () => {
    const closes: CloseInfo[] = [];
    const server = await start(
      websocket(async function* (_scope, receiver) {
        yield subscribe("firehose");
        yield send("ready");
        for await (const _ of receiver);
      }, { onClose: (_s, info) => void closes.push(info) }),
      { subscriberBufferLimit: 64 * 1024, closeTimeout: 200 },
    );
    const [slow, fast] = await Promise.all([openClient(`${server.url}/`), openClient(`${server.url}/`)]);
    await Promise.all([slow.next(), fast.next()]);
    slow.ws.pause();
    const chunk = "x".repeat(16 * 1024);
    let received = 0;
    let waiter: { target: number; resolve: () => void } | undefined;
    fast.ws.on("message", () => {
      received++;
      if (waiter !== undefined && received >= waiter.target) waiter.resolve();
    });
    const receivedAtLeast = (target: number): Promise<void> =>
      received >= target ? Promise.resolve() : new Promise((resolve) => (waiter = { target, resolve }));
    const count = 2_000;
    for (let i = 0; i < count; i++) {
      await server.publish("firehose", chunk);
      // The fast client is never more than two messages (32 KiB) behind, well within its limit,
      // however slowly a loaded machine lets it read; the paused one falls behind by all of them.
      await receivedAtLeast(i - 1);
    }
    await receivedAtLeast(count);
    await vi.waitFor(() => expect(closes.map((c) => [c.code, c.cause])).toEqual([[1013, "backpressure"]]), {
      timeout: 15_000,
    });
    expect(server.stats().closes.backpressure).toBe(1);
    slow.ws.terminate();
  });

  it("skips and counts instead, with slowSubscriber: skip", async () => {
    const server = await start(
      async function* (_scope, receiver) {
        yield subscribe("firehose");
        yield send("ready");
        for await (const _ of receiver);
      },
      { subscriberBufferLimit: 64 * 1024, slowSubscriber: "skip" },
    );
    const slow = await openClient(`${server.url}/`);
    await slow.next();
    slow.ws.pause();
    const chunk = "y".repeat(16 * 1024);
    await vi.waitFor(
      async () => {
        for (let i = 0; i < 100; i++) await server.publish("firehose", chunk);
        expect(server.stats().messagesSkipped).toBeGreaterThan(0);
      },
      { timeout: 15_000 },
    );
    expect(server.connections).toBe(1);
    expect(server.stats().bufferedBytes).toBeLessThanOrEqual(64 * 1024 + chunk.length);
    slow.ws.terminate();
  });

  it("checks pub/sub options and topics", async () => {
    await expect(serve(room, { pubsub: {} as never })).rejects.toThrow(/"pubsub"/);
    await expect(serve(room, { slowSubscriber: "drop" as never })).rejects.toThrow(/"slowSubscriber"/);
    expect(() => subscribe("")).toThrow(TypeError);
    expect(() => publish("\u0000/path", "x")).toThrow(/NUL/);
    const outcome: Outcome = "published";
    expect(outcome).toBe("published");
  });
});
