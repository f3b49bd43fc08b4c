import type { CloseInfo, Handler, Outcome } from "@scallion/core";
import { accept, close, merge, publish, reject, send, subscribe, unsubscribe, websocket } from "@scallion/core";
import { describe, expect, it, vi } from "vitest";
import { collect, testScope } from "../src/index.js";

const shout = websocket(async function* shout(_scope, receiver) {
  for await (const message of receiver) {
    yield send(`@ECHO: ${String(message)}`);
    if (message === "exit") {
      yield send("bye");
      yield close(1001, "bye");
    }
  }
});

describe("collect()", () => {
  it("returns exactly the events the handler yields for the scripted inputs", async () => {
    expect(await collect(shout, testScope(), ["hi", "exit", "never read"])).toEqual([
      send("@ECHO: hi"),
      send("@ECHO: exit"),
      send("bye"),
      close(1001, "bye"),
    ]);
  });

  it("ends the receiver after the inputs, as if the client had closed", async () => {
    const echo: Handler = async function* (_scope, receiver) {
      yield accept();
      for await (const message of receiver) yield send(message);
    };
    expect(await collect(echo, testScope(), ["a", new Uint8Array([1])])).toEqual([
      accept(),
      send("a"),
      send(new Uint8Array([1])),
    ]);
  });

  it("takes inputs from an async iterable too", async () => {
    async function* inputs() {
      yield "one";
      yield "two";
    }
    const echo: Handler = async function* (_scope, receiver) {
      for await (const message of receiver) yield send(message);
    };
    expect(await collect(echo, undefined, inputs())).toEqual([send("one"), send("two")]);
  });

  it("answers topic events as the runtime does on an open connection", async () => {
    const outcomes: Outcome[] = [];
    const handler: Handler = async function* () {
      outcomes.push(yield subscribe("room"));
      outcomes.push(yield publish("room", "hi"));
      outcomes.push(yield unsubscribe("room"));
    };
    await collect(handler);
    expect(outcomes).toEqual(["subscribed", "published", "unsubscribed"]);
  });

  it("feeds each yield its outcome, and lets a test choose them", async () => {
    const outcomes: Outcome[] = [];
    const handler: Handler = async function* () {
      outcomes.push(yield accept());
      outcomes.push(yield send("x"));
    };
    await collect(handler);
    expect(outcomes).toEqual(["accepted", "sent"]);
    outcomes.length = 0;
    await collect(handler, testScope(), [], { outcome: () => "dropped" });
    expect(outcomes).toEqual(["dropped", "dropped"]);
  });

  it("finishes the generator after close or reject, running its finally blocks", async () => {
    const cleanup = vi.fn();
    const handler: Handler = async function* () {
      try {
        yield reject(401, "no");
        yield send("never");
      } finally {
        cleanup();
      }
    };
    expect(await collect(handler)).toEqual([reject(401, "no")]);
    expect(cleanup).toHaveBeenCalledTimes(1);
  });

  it("builds the scope from a request: path, query, headers, subprotocols, params", async () => {
    const scope = testScope({
      url: "/room/1?x=2",
      headers: { Authorization: "Bearer t" },
      subprotocols: ["a", "b"],
      params: { room: "1" },
    });
    expect(scope).toMatchObject({
      path: "/room/1",
      query: { x: "2" },
      headers: { authorization: "Bearer t" },
      subprotocols: ["a", "b"],
      params: { room: "1" },
      address: "127.0.0.1",
    });
    const handler: Handler = async function* (s) {
      yield accept({ subprotocol: s.subprotocols[1] });
    };
    expect(await collect(handler, scope)).toEqual([accept({ subprotocol: "b" })]);
  });

  it("aborts scope.signal at the end and runs the hooks as the runtime would", async () => {
    let signal: AbortSignal | undefined;
    const closes: CloseInfo[] = [];
    const disconnects = vi.fn();
    const handler = websocket(
      async function* (scope, receiver) {
        signal = scope.signal;
        for await (const _ of receiver);
      },
      { onDisconnect: disconnects, onClose: (_s, info) => void closes.push(info) },
    );
    const scope = testScope();
    await collect(handler, scope, ["x"]);
    expect(signal?.aborted).toBe(true);
    expect(disconnects).toHaveBeenCalledTimes(1);
    expect(closes).toEqual([{ code: 1005, reason: "", cause: "client" }]);
    // The same scope serves another run: each gets its own signal and lifecycle.
    await collect(handler, scope, []);
    expect(closes).toHaveLength(2);
  });

  it("rejects with what the handler threw, after onClose saw it", async () => {
    const boom = new Error("boom");
    const closes: CloseInfo[] = [];
    const handler = websocket(async function* () {
      yield send("before");
      throw boom;
    }, { onClose: (_s, info) => void closes.push(info) });
    await expect(collect(handler)).rejects.toBe(boom);
    expect(closes).toEqual([{ code: 1011, reason: "Internal error", cause: "error", error: boom }]);
  });

  it("ends a merge() when the scripted receiver ends, cancelling the other sources", async () => {
    const cancelled = vi.fn();
    async function* forever() {
      try {
        for (;;) {
          await new Promise((resolve) => setTimeout(resolve, 1));
          yield "tick";
        }
      } finally {
        cancelled();
      }
    }
    const handler: Handler = async function* (_scope, receiver) {
      for await (const { source, value } of merge({ message: receiver, tick: forever() })) {
        if (source === "message") yield send(value);
      }
    };
    expect(await collect(handler, testScope(), ["only"])).toEqual([send("only")]);
    await vi.waitFor(() => expect(cancelled).toHaveBeenCalledTimes(1));
  });

  it("drops the inputs of a push-only handler, as the runtime discards them", async () => {
    const pushOnly = websocket(
      async function* () {
        yield send("pushed");
      },
      { receive: false },
    );
    expect(await collect(pushOnly, testScope(), ["ignored"])).toEqual([send("pushed")]);
  });

  it("stops a handler that never ends at the event limit", async () => {
    const endless: Handler = async function* () {
      for (;;) yield send("x");
    };
    await expect(collect(endless, testScope(), [], { limit: 50 })).rejects.toThrow(/more than 50 events/);
  });
});
