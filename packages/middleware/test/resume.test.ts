import type { Handler, Scope } from "@scallion/core";
import { MemoryPubSub, publish, send, subscribe, unsubscribe } from "@scallion/core";
import { encodeSince } from "@scallion/core/since";
import { testServer } from "@scallion/testing";
import { describe, expect, it } from "vitest";
import { compose, resume } from "../src/index.js";

/** Joins `room:a` (and `room:a` again on "again"), says the outcome, then publishes "say X" as X. */
const room = compose(resume())(async function* (_scope: Scope, receiver: AsyncIterable<string | Uint8Array>) {
  yield send(`joined: ${yield subscribe("room:a")}`);
  for await (const message of receiver) {
    if (message === "again") {
      yield unsubscribe("room:a");
      yield send(`again: ${yield subscribe("room:a")}`);
    } else yield publish("room:a", String(message).slice(4));
  }
});

function chat(app: Handler = room) {
  return testServer(app, { pubsub: new MemoryPubSub({ history: { "room:*": { size: 10 } } }) });
}

/** The envelope frames a client receives, parsed. */
const parsed = (text: unknown) => JSON.parse(text as string) as { kind: string; epoch: string; offset: number; text?: string; recovered?: boolean };

describe("resume()", () => {
  it("resumes the topic the handler subscribes to from the position in since", async () => {
    await using server = chat();
    const first = await server.connect("/");
    const position = parsed(await first.receive());
    expect(position).toMatchObject({ kind: "position", offset: 0 });
    expect(await first.receive()).toBe("joined: subscribed");
    first.send("say one");
    expect(parsed(await first.receive())).toMatchObject({ kind: "message", offset: 1, text: "one" });
    await first.close();
    await server.publish("room:a", "two");
    await server.publish("room:a", "three");

    const since = encodeSince([["room:a", { epoch: position.epoch, offset: 1 }]]).value;
    const back = await server.connect(`/?since=${since}`);
    expect(parsed(await back.receive())).toMatchObject({ kind: "position", offset: 3, recovered: true });
    expect([parsed(await back.receive()).text, parsed(await back.receive()).text]).toEqual(["two", "three"]);
    expect(await back.receive()).toBe("joined: recovered");
    // Used once: a second subscribe in the same connection starts where the topic stands.
    back.send("again");
    expect(parsed(await back.receive())).toMatchObject({ kind: "position", offset: 3 });
    expect(await back.receive()).toBe("again: subscribed");
  });

  it("says not recovered for a position of another epoch", async () => {
    await using server = chat();
    const since = encodeSince([["room:a", { epoch: "gone", offset: 5 }]]).value;
    const client = await server.connect(`/?since=${since}`);
    expect(parsed(await client.receive())).toMatchObject({ kind: "position", recovered: false });
    expect(await client.receive()).toBe("joined: not recovered");
  });

  it("never subscribes the client to a topic the handler does not join, and leaves a subscribe with since alone", async () => {
    const joined: unknown[] = [];
    const own = compose(resume())(async function* (_scope: Scope) {
      const outcome = yield subscribe("room:a", { since: { epoch: "mine", offset: 0 } });
      joined.push(outcome);
      yield send("ready");
    });
    await using server = chat(own);
    const since = encodeSince([
      ["room:a", { epoch: "theirs", offset: 0 }],
      ["room:b", { epoch: "theirs", offset: 0 }],
    ]).value;
    const client = await server.connect(`/?since=${since}`);
    expect(parsed(await client.receive())).toMatchObject({ kind: "position", recovered: false });
    expect(await client.receive()).toBe("ready");
    expect(joined).toEqual(["not recovered"]);
    expect(await server.count("room:b")).toBe(0);
  });

  it.each([
    ["garbage", "garbage"],
    ["a negative offset", "cm9vbTph.ZQ.-1"],
    ["5,000 characters", "x".repeat(5_000)],
  ])("ignores a malformed since (%s) and goes on as a first connection", async (_what, since) => {
    await using server = chat();
    const client = await server.connect(`/?since=${since}`);
    const position = parsed(await client.receive());
    expect(position).toMatchObject({ kind: "position", offset: 0 });
    expect(position).not.toHaveProperty("recovered");
    expect(await client.receive()).toBe("joined: subscribed");
  });

  it("runs the handler's finally, and what it yields there, when the connection ends", async () => {
    let left: unknown;
    const app = compose(resume())(async function* (_scope: Scope, receiver: AsyncIterable<string | Uint8Array>) {
      yield subscribe("room:a");
      try {
        for await (const _ of receiver);
      } finally {
        left = yield publish("room:a", "left");
      }
    });
    await using server = chat(app);
    const since = encodeSince([["room:a", { epoch: "e", offset: 0 }]]).value;
    const watcher = await server.connect("/");
    await watcher.receive();
    const client = await server.connect(`/?since=${since}`);
    await client.receive();
    await client.close();
    expect(parsed(await watcher.receive())).toMatchObject({ kind: "message", text: "left" });
    expect(left).toBe("published");
  });
});
