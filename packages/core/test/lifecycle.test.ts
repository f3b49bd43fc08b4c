import { describe, expect, it, vi } from "vitest";
import { WebSocket } from "ws";
import type { CloseInfo, Handler, Outcome, Scope } from "../src/index.js";
import { accept, close, CloseError, isCloseError, merge, reject, send, websocket } from "../src/index.js";
import { openClient } from "./_client.js";
import { recordingLogger, start } from "./_server.js";

describe("the first event decides the handshake", () => {
  it("accept answers 101 with the chosen subprotocol", async () => {
    const server = await start(async function* (scope) {
      yield accept({ subprotocol: scope.subprotocols[1] });
      yield send("hi");
    });
    const client = await openClient(`${server.url}/`, { protocols: ["a", "b"] });
    expect(client.protocol).toBe("b");
    expect(await client.next()).toBe("hi");
  });

  it("accept with extra headers sends them with the 101", async () => {
    const server = await start(async function* () {
      yield accept({ headers: { "X-Scallion": "yes" } });
    });
    const ws = new WebSocket(`${server.url}/`);
    const headers = await new Promise<Record<string, unknown>>((resolve) => ws.on("upgrade", (res) => resolve(res.headers)));
    expect(headers["x-scallion"]).toBe("yes");
    ws.close();
  });

  it("accept of a subprotocol the client did not offer throws at the yield (500 if uncaught)", async () => {
    const caught = vi.fn();
    const server = await start(async function* () {
      try {
        yield accept({ subprotocol: "c" });
      } catch (error) {
        caught(error);
        yield reject(400, "bad subprotocol");
      }
    });
    await expect(openClient(`${server.url}/`, { protocols: ["a"] })).rejects.toMatchObject({ status: 400, body: "bad subprotocol" });
    expect(caught.mock.calls[0]?.[0]).toBeInstanceOf(TypeError);
  });

  it("reject answers with that HTTP status and body, and never upgrades", async () => {
    const onClose = vi.fn();
    const server = await start(
      websocket(async function* () {
        yield reject(401, "who are you?", { "WWW-Authenticate": 'Basic realm="x"' });
      }, { onClose: (_s, info) => onClose(info) }),
    );
    await expect(openClient(`${server.url}/`)).rejects.toMatchObject({
      status: 401,
      body: "who are you?",
      headers: { "www-authenticate": 'Basic realm="x"' },
    });
    await vi.waitFor(() => expect(onClose).toHaveBeenCalledWith({ code: 1006, reason: "", cause: "server", status: 401 }));
  });

  it("close before accept upgrades, then closes at once with that code", async () => {
    const server = await start(async function* () {
      yield close(4401, "sign in first");
    });
    const client = await openClient(`${server.url}/`);
    expect(await client.closed).toEqual({ code: 4401, reason: "sign in first" });
  });

  it("any other first event accepts implicitly", async () => {
    const outcomes: Outcome[] = [];
    const server = await start(async function* () {
      outcomes.push(yield send("first"));
    });
    const client = await openClient(`${server.url}/`);
    expect(await client.next()).toBe("first");
    expect(await client.closed).toEqual({ code: 1000, reason: "" });
    expect(outcomes).toEqual(["sent"]);
  });

  it("reading the receiver first accepts implicitly, so an echo does not deadlock", async () => {
    const server = await start(async function* (_scope, receiver) {
      for await (const message of receiver) yield send(message);
    });
    const client = await openClient(`${server.url}/`);
    client.ws.send("ping");
    expect(await client.next()).toBe("ping");
  });

  it("a handler that returns without any event is accepted and closed with 1000", async () => {
    const server = await start(async function* () {
      return;
    });
    const client = await openClient(`${server.url}/`);
    expect((await client.closed).code).toBe(1000);
  });

  it("a handler that decides nothing within handshakeTimeout is answered 503", async () => {
    const server = await start(
      async function* () {
        await new Promise((resolve) => setTimeout(resolve, 400));
        yield accept();
      },
      { handshakeTimeout: 50 },
    );
    await expect(openClient(`${server.url}/`)).rejects.toMatchObject({ status: 503 });
  });

  it("onConnect decides the handshake before the handler runs", async () => {
    const handler = vi.fn(async function* (): AsyncGenerator<never> {});
    const server = await start(
      websocket(handler, { onConnect: (scope) => (scope.query.token === "ok" ? accept() : reject(403, "no")) }),
    );
    await expect(openClient(`${server.url}/?token=bad`)).rejects.toMatchObject({ status: 403, body: "no" });
    expect(handler).not.toHaveBeenCalled();
    const client = await openClient(`${server.url}/?token=ok`);
    expect((await client.closed).code).toBe(1000);
    expect(handler).toHaveBeenCalledTimes(1);
  });
});

describe("events and outcomes", () => {
  it("each yield evaluates to the outcome of its event", async () => {
    const outcomes: Outcome[] = [];
    const server = await start(async function* (_scope, receiver) {
      outcomes.push(yield accept());
      outcomes.push(yield send("one"));
      for await (const _ of receiver) break;
      await vi.waitFor(() => expect(clientClosed).toBe(true));
      outcomes.push(yield send("after the client left"));
    });
    let clientClosed = false;
    const client = await openClient(`${server.url}/`);
    expect(await client.next()).toBe("one");
    client.ws.close();
    await client.closed;
    clientClosed = true;
    await vi.waitFor(() => expect(outcomes).toEqual(["accepted", "sent", "dropped"]));
  });

  it("a second accept is thrown into the generator", async () => {
    const seen = vi.fn();
    const server = await start(async function* () {
      yield accept();
      try {
        yield accept();
      } catch (error) {
        seen((error as Error).message);
      }
      yield send("still here");
    });
    const client = await openClient(`${server.url}/`);
    expect(await client.next()).toBe("still here");
    expect(seen).toHaveBeenCalledWith(expect.stringContaining("already accepted"));
  });

  it("text goes out as text and bytes as binary", async () => {
    const server = await start(async function* () {
      yield send("text");
      yield send(new Uint8Array([1, 2, 3]));
      yield send(Buffer.from("buf"));
    });
    const client = await openClient(`${server.url}/`);
    expect(await client.next()).toBe("text");
    expect([...((await client.next()) as Buffer)]).toEqual([1, 2, 3]);
    expect(((await client.next()) as Buffer).toString()).toBe("buf");
  });
});

describe("how a connection ends", () => {
  it("returning closes with 1000", async () => {
    const server = await start(async function* () {
      yield send("done");
    });
    const client = await openClient(`${server.url}/`);
    expect(await client.closed).toEqual({ code: 1000, reason: "" });
  });

  it("yielding close sends it and finishes the generator, running its finally blocks", async () => {
    const cleanup = vi.fn();
    const after = vi.fn();
    const server = await start(async function* () {
      try {
        yield close(4000, "bye");
        after();
      } finally {
        cleanup();
      }
    });
    const client = await openClient(`${server.url}/`);
    expect(await client.closed).toEqual({ code: 4000, reason: "bye" });
    await vi.waitFor(() => expect(cleanup).toHaveBeenCalledTimes(1));
    expect(after).not.toHaveBeenCalled();
  });

  it("throwing closes with 1011, logs once with the connection id, and hands the error to onClose", async () => {
    const logger = recordingLogger();
    const closes: CloseInfo[] = [];
    let id = "";
    const boom = new Error("boom");
    const server = await start(
      websocket(
        async function* (scope) {
          id = scope.id;
          yield send("about to fail");
          throw boom;
        },
        { onClose: (_s, info) => void closes.push(info) },
      ),
      { logger },
    );
    const client = await openClient(`${server.url}/`);
    expect((await client.closed).code).toBe(1011);
    await vi.waitFor(() => expect(closes).toHaveLength(1));
    expect(closes[0]).toMatchObject({ code: 1011, cause: "error", error: boom });
    const errors = logger.entries.filter((e) => e.level === "error");
    expect(errors).toHaveLength(1);
    expect(errors[0]?.context).toMatchObject({ connection: id, err: boom });
  });

  it("a non-event as the first yield answers 500 without upgrading", async () => {
    const server = await start(async function* () {
      yield "hello" as never;
    });
    await expect(openClient(`${server.url}/`)).rejects.toMatchObject({ status: 500 });
  });

  it("throwing a CloseError closes with its code and reason instead of 1011", async () => {
    const closes: CloseInfo[] = [];
    const logger = recordingLogger();
    const server = await start(
      websocket(async function* (_scope, receiver) {
        for await (const message of receiver) {
          if (message === "bad") throw new CloseError(1008, "bad message");
          yield send(message);
        }
      }, { onClose: (_s, info) => void closes.push(info) }),
      { logger },
    );
    const client = await openClient(`${server.url}/`);
    client.ws.send("bad");
    expect(await client.closed).toEqual({ code: 1008, reason: "bad message" });
    await vi.waitFor(() => expect(closes).toHaveLength(1));
    expect(closes[0]).toMatchObject({ code: 1008, reason: "bad message", cause: "error" });
    expect(isCloseError(closes[0]?.error)).toBe(true);
    expect(logger.entries.filter((e) => e.level === "error")).toHaveLength(0);
  });

  it("a CloseError before the handshake upgrades and closes with its code", async () => {
    const server = await start(async function* () {
      throw new CloseError(4403, "not for you");
    });
    const client = await openClient(`${server.url}/`);
    expect(await client.closed).toEqual({ code: 4403, reason: "not for you" });
    expect(() => new CloseError(1005)).toThrow(RangeError);
  });

  it("a throw before the handshake answers 500 without upgrading", async () => {
    const server = await start(async function* () {
      throw new Error("before anything");
    });
    await expect(openClient(`${server.url}/`)).rejects.toMatchObject({ status: 500 });
  });

  it("yielding something that is not an event closes with 1011", async () => {
    const server = await start(async function* () {
      yield send("fine");
      yield { type: "websocket.nonsense" } as never;
    });
    const client = await openClient(`${server.url}/`);
    expect((await client.closed).code).toBe(1011);
  });

  it("a client close ends the receiver, then onDisconnect and onClose run once each, in order", async () => {
    const calls: string[] = [];
    const finished = vi.fn();
    const server = await start(
      websocket(
        async function* (_scope, receiver) {
          try {
            for await (const message of receiver) yield send(message);
          } finally {
            finished();
          }
        },
        {
          onDisconnect: (_s, info) => void calls.push(`disconnect ${info.code} ${info.reason}`),
          onClose: (_s, info) => void calls.push(`close ${info.code} ${info.reason} ${info.cause}`),
        },
      ),
    );
    const client = await openClient(`${server.url}/`);
    client.ws.close(4100, "leaving");
    await client.closed;
    await vi.waitFor(() => expect(calls).toEqual(["disconnect 4100 leaving", "close 4100 leaving client"]));
    await vi.waitFor(() => expect(finished).toHaveBeenCalledTimes(1));
    await vi.waitFor(() => expect(server.connections).toBe(0));
  });

  it("a dropped connection reports 1006 to onDisconnect and onClose", async () => {
    const closes: CloseInfo[] = [];
    const disconnects = vi.fn();
    const server = await start(
      websocket(
        async function* (_scope, receiver) {
          for await (const _ of receiver);
        },
        { onDisconnect: (_s, info) => disconnects(info), onClose: (_s, info) => void closes.push(info) },
      ),
    );
    const client = await openClient(`${server.url}/`);
    client.ws.terminate();
    await vi.waitFor(() => expect(closes).toEqual([{ code: 1006, reason: "", cause: "client" }]));
    expect(disconnects).toHaveBeenCalledWith({ code: 1006, reason: "" });
  });

  it("onDisconnect does not run when the server ends the connection", async () => {
    const disconnects = vi.fn();
    const closes: CloseInfo[] = [];
    const server = await start(
      websocket(async function* () {
        yield close(1000);
      }, { onDisconnect: disconnects, onClose: (_s, info) => void closes.push(info) }),
    );
    const client = await openClient(`${server.url}/`);
    await client.closed;
    await vi.waitFor(() => expect(closes).toEqual([{ code: 1000, reason: "", cause: "server", error: undefined }]));
    expect(disconnects).not.toHaveBeenCalled();
  });

  it("an onClose that throws is logged and contained", async () => {
    const logger = recordingLogger();
    const server = await start(
      websocket(async function* () {
        yield send("x");
      }, {
        onClose: () => {
          throw new Error("hook failed");
        },
      }),
      { logger },
    );
    const client = await openClient(`${server.url}/`);
    await client.closed;
    await vi.waitFor(() => expect(logger.entries.some((e) => e.message === "onClose hook threw")).toBe(true));
    const again = await openClient(`${server.url}/`);
    expect(await again.next()).toBe("x");
  });

  it("scope.signal aborts when the connection ends", async () => {
    let signal: AbortSignal | undefined;
    const server = await start(async function* (scope, receiver) {
      signal = scope.signal;
      for await (const _ of receiver);
    });
    const client = await openClient(`${server.url}/`);
    await vi.waitFor(() => expect(signal).toBeDefined());
    expect(signal?.aborted).toBe(false);
    client.ws.close();
    await vi.waitFor(() => expect(signal?.aborted).toBe(true));
  });

  it("merge() pushes from other sources and cancels them when the connection ends", async () => {
    const cancelled = vi.fn();
    async function* ticks(signal: AbortSignal) {
      try {
        for (let i = 0; !signal.aborted; i++) {
          yield i;
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
      } finally {
        cancelled();
      }
    }
    const server = await start(async function* (scope: Scope, receiver) {
      for await (const { source, value } of merge({ message: receiver, tick: ticks(scope.signal) })) {
        if (source === "message") yield send(`echo ${value as string}`);
        else if (value === 0) yield send("tick 0");
      }
    });
    const client = await openClient(`${server.url}/`);
    expect(await client.next()).toBe("tick 0");
    client.ws.send("hello");
    expect(await client.next()).toBe("echo hello");
    client.ws.close();
    await vi.waitFor(() => expect(cancelled).toHaveBeenCalledTimes(1));
  });
});

describe("the scope", () => {
  it("holds the path, query, lower-cased headers, subprotocols and address", async () => {
    let seen: Scope | undefined;
    const app: Handler = async function* (scope) {
      seen = scope;
      yield accept({ subprotocol: "p2" });
    };
    const server = await start(app);
    const client = await openClient(`${server.url}/room/a%20b?x=1&y=two`, {
      protocols: ["p1", "p2"],
      headers: { "X-Custom": "v" },
    });
    await client.closed;
    expect(seen).toMatchObject({
      url: "/room/a%20b?x=1&y=two",
      path: "/room/a%20b",
      query: { x: "1", y: "two" },
      subprotocols: ["p1", "p2"],
      address: "127.0.0.1",
      params: {},
    });
    expect(seen?.headers["x-custom"]).toBe("v");
    expect(seen?.id).toMatch(/^[\w-]{16}$/);
  });
});
