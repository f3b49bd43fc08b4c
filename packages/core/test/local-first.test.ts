import { describe, expect, it } from "vitest";
import type { Handler, PubSub, Server } from "../src/index.js";
import { MemoryPubSub, publish, send, subscribe } from "../src/index.js";
import type { PubSubMessage } from "../src/transport-entry.js";
import { ENGINE_TIMEOUT } from "../src/transport-entry.js";
import { openClient } from "./_client.js";
import { start } from "./_server.js";

/**
 * Joins "room" and says how it went; "say X" publishes X and then says the publish's outcome,
 * "shh X" does so with exceptSelf, "count" answers with `count("room")`.
 */
function roomOf(count: (topic: string) => Promise<number> = () => Promise.resolve(0)): Handler {
  return async function* room(_scope, receiver) {
    yield send(`joined: ${yield subscribe("room")}`);
    for await (const message of receiver) {
      const text = message as string;
      if (text === "count") yield send(`members: ${await count("room")}`);
      if (text.startsWith("say ")) yield send(`said: ${yield publish("room", text.slice(4))}`);
      if (text.startsWith("shh ")) yield send(`said: ${yield publish("room", text.slice(4), { exceptSelf: true })}`);
    }
  };
}
const room = roomOf();

/** An engine that cannot reach anyone: every call fails at once. */
const unreachable: PubSub = {
  subscribe: () => Promise.reject(new Error("down")),
  unsubscribe: () => Promise.reject(new Error("down")),
  publish: () => false,
  report: () => {
    throw new Error("down");
  },
  count: () => Promise.reject(new Error("down")),
};

describe("local first", () => {
  it("delivers to this node's subscribers and completes joins while the engine is unreachable", async () => {
    const server: Server = await start(
      roomOf((topic) => server.count(topic)),
      { pubsub: unreachable },
    );
    const [a, b] = await Promise.all([openClient(`${server.url}/`), openClient(`${server.url}/`)]);
    expect(await a.next()).toBe("joined: subscribed");
    expect(await b.next()).toBe("joined: subscribed");
    a.ws.send("say hello");
    a.ws.send("shh only for b");
    expect(await b.next()).toBe("hello");
    expect(await b.next()).toBe("only for b");
    expect(await a.next()).toBe("hello");
    expect(await a.next()).toBe("said: local");
    expect(await a.next()).toBe("said: local"); // not "only for b": exceptSelf honoured
    a.ws.send("count");
    expect(await a.next()).toBe("members: 2"); // what this node knows
    expect(await server.publish("room", "from outside")).toBe("local");
    expect(await a.next()).toBe("from outside");
    const stats = server.stats();
    expect(stats.messagesLocalOnly).toBe(3);
    expect(stats.engineFailures).toBeGreaterThanOrEqual(3); // two subscribes (path and room topics) and the count at least
  });

  it("delivers locally at once while the engine holds the publish, then reports it as local", async () => {
    const held: PubSubMessage[] = [];
    const engine = new MemoryPubSub();
    const hanging: PubSub = {
      subscribe: (topic, listener) => engine.subscribe(topic, listener),
      unsubscribe: (topic, listener) => engine.unsubscribe(topic, listener),
      report: (node, topic, n) => engine.report(node, topic, n),
      count: (topic) => engine.count(topic),
      publish: (message) => {
        held.push(message);
        return new Promise<void>(() => {});
      },
    };
    const server = await start(room, { pubsub: hanging });
    const [a, b] = await Promise.all([openClient(`${server.url}/`), openClient(`${server.url}/`)]);
    await Promise.all([a.next(), b.next()]);
    const started = Date.now();
    a.ws.send("say now");
    expect(await b.next()).toBe("now");
    expect(await a.next()).toBe("now");
    expect(Date.now() - started).toBeLessThan(ENGINE_TIMEOUT / 2);
    expect(held.map((m) => m.data)).toEqual(["now"]);
    expect(await a.next()).toBe("said: local");
    expect(Date.now() - started).toBeGreaterThanOrEqual(ENGINE_TIMEOUT - 50);
    expect(server.stats()).toMatchObject({ messagesLocalOnly: 1, engineFailures: 1 });
  });

  it("delivers exactly once on every node when the engine brings a node's own messages back", async () => {
    const pubsub = new MemoryPubSub(); // hands every message to every listener, the publisher's own too
    const one = await start(room, { pubsub });
    const two = await start(room, { pubsub });
    const clients = await Promise.all([openClient(`${one.url}/`), openClient(`${one.url}/`), openClient(`${two.url}/`)]);
    await Promise.all(clients.map((c) => c.next()));
    const [a, , c] = clients;
    for (let i = 0; i < 20; i++) (i % 2 === 0 ? a : c)?.ws.send(`say ${i}`);
    const expected = Array.from({ length: 20 }, (_, i) => String(i)).sort();
    for (const [client, saids] of [[a, 10], [clients[1], 0], [c, 10]] as const) {
      const seen: string[] = [];
      for (let i = 0; i < 20 + saids; i++) seen.push(String(await client?.next()));
      expect(seen.filter((m) => !m.startsWith("said:")).sort()).toEqual(expected);
      expect(seen.filter((m) => m.startsWith("said:"))).toEqual(Array(saids).fill("said: published"));
    }
    // Nothing arrives twice, even late: the next message anyone sees is the marker.
    await two.publish("room", "marker");
    for (const client of clients) expect(await client.next()).toBe("marker");
  });
});

