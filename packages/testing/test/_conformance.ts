import type { CloseInfo, Handler, Logger, Outcome, Scope } from "@scallion/core";
import { accept, close, merge, reject, send, websocket } from "@scallion/core";
import { describe, expect, it, vi } from "vitest";
import type { ConnectOptions, TestServerOptions, TransportName } from "../src/index.js";
import { connect as connectTo, HandshakeError, SubprotocolError, testServer } from "../src/index.js";

/** A logger that remembers what it was told. */
export function recordingLogger(): Logger & { entries: { level: string; context: object; message: string }[] } {
  const entries: { level: string; context: object; message: string }[] = [];
  const at = (level: string) => (context: object, message: string) => void entries.push({ level, context, message });
  return { entries, info: at("info"), warn: at("warn"), error: at("error") };
}

/** A promise with its resolve function, to hold a handler at a point until the test lets it go. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

/**
 * Every lifecycle rule of core (issue 3), written against the harness's client API only, so it
 * runs unchanged over the memory transport and over a real socket. Both runs must pass alike:
 * that is what shows the memory transport behaves like `ws`.
 */
export function lifecycleTests(transport: TransportName): void {
  const connect = (app: Handler, path = "/", options: ConnectOptions = {}) =>
    connectTo(app, path, { transport, ...options });
  const server = (app: Handler, options: TestServerOptions = {}) => testServer(app, { transport, ...options });

  describe(`the first event decides the handshake (${transport})`, () => {
    it("accept answers 101 with the chosen subprotocol", async () => {
      await using client = await connect(
        async function* (scope) {
          yield accept({ subprotocol: scope.subprotocols[1] });
          yield send("hi");
        },
        "/",
        { subprotocols: ["a", "b"] },
      );
      expect(client.subprotocol).toBe("b");
      expect(await client.receive()).toBe("hi");
    });

    it("accept with extra headers sends them with the 101", async () => {
      await using client = await connect(async function* () {
        yield accept({ headers: { "X-Scallion": "yes" } });
      });
      expect(client.headers["x-scallion"]).toBe("yes");
      expect(client.headers.upgrade).toBe("websocket");
    });

    it("an implicit accept when the client offered subprotocols fails the connection, as browsers do", async () => {
      const closes: CloseInfo[] = [];
      const app = websocket(async function* (_scope, receiver) {
        yield accept();
        for await (const _ of receiver);
      }, { onClose: (_s, info) => void closes.push(info) });
      await expect(connect(app, "/", { subprotocols: ["a"] })).rejects.toBeInstanceOf(SubprotocolError);
      expect(closes).toEqual([{ code: 1006, reason: "", cause: "client" }]);
    });

    it("reject answers with that HTTP status, body and headers, never upgrades, and onClose sees the status", async () => {
      const onClose = vi.fn();
      const app = websocket(async function* () {
        yield reject(401, "who are you?", { "WWW-Authenticate": 'Basic realm="x"' });
      }, { onClose: (_s, info) => onClose(info) });
      const refused = connect(app);
      await expect(refused).rejects.toBeInstanceOf(HandshakeError);
      await expect(refused).rejects.toMatchObject({
        status: 401,
        body: "who are you?",
        headers: { "www-authenticate": 'Basic realm="x"' },
      });
      expect(onClose).toHaveBeenCalledWith({ code: 1006, reason: "", cause: "server", status: 401 });
    });

    it("close before accept upgrades, then closes at once with that code", async () => {
      const client = await connect(async function* () {
        yield close(4401, "sign in first");
      });
      expect(await client.closed).toEqual({ code: 4401, reason: "sign in first" });
    });

    it("any other first event accepts implicitly, and the yield evaluates to its outcome", async () => {
      const outcomes: Outcome[] = [];
      const client = await connect(async function* () {
        outcomes.push(yield send("first"));
      });
      expect(await client.receive()).toBe("first");
      expect(await client.closed).toEqual({ code: 1000, reason: "" });
      expect(outcomes).toEqual(["sent"]);
    });

    it("reading the receiver first accepts implicitly, so an echo does not deadlock", async () => {
      await using client = await connect(async function* (_scope, receiver) {
        for await (const message of receiver) yield send(message);
      });
      client.send("ping");
      expect(await client.receive()).toBe("ping");
    });

    it("a handler that returns without any event is accepted and closed with 1000", async () => {
      const client = await connect(async function* () {});
      expect(await client.closed).toEqual({ code: 1000, reason: "" });
    });

    it("a handler that decides nothing within handshakeTimeout is answered 503", async () => {
      const app: Handler = async function* () {
        await new Promise(() => {});
      };
      await expect(connect(app, "/", { handshakeTimeout: 50 })).rejects.toMatchObject({ status: 503 });
    });

    it("a throw before the handshake answers 500 without upgrading", async () => {
      const app: Handler = async function* () {
        throw new Error("before anything");
      };
      await expect(connect(app)).rejects.toMatchObject({ status: 500, body: "Internal Server Error" });
    });

    it("onConnect decides the handshake before the handler runs", async () => {
      const handler = vi.fn(async function* (): AsyncGenerator<never> {});
      const app = websocket(handler, {
        onConnect: (scope) => (scope.query.token === "ok" ? accept() : reject(403, "no")),
      });
      await expect(connect(app, "/?token=bad")).rejects.toMatchObject({ status: 403, body: "no" });
      expect(handler).not.toHaveBeenCalled();
      const client = await connect(app, "/?token=ok");
      expect((await client.closed).code).toBe(1000);
      expect(handler).toHaveBeenCalledTimes(1);
    });
  });

  describe(`events and outcomes (${transport})`, () => {
    it("each yield evaluates to accepted, sent, then dropped once the client has gone", async () => {
      const outcomes: Outcome[] = [];
      const left = gate();
      const client = await connect(async function* (_scope, receiver) {
        outcomes.push(yield accept());
        outcomes.push(yield send("one"));
        for await (const _ of receiver) break;
        await left.promise;
        outcomes.push(yield send("after the client left"));
      });
      expect(await client.receive()).toBe("one");
      const closing = client.close();
      await client.closed;
      left.open();
      await closing;
      expect(outcomes).toEqual(["accepted", "sent", "dropped"]);
    });

    it("a second accept is thrown into the generator, which may carry on", async () => {
      const seen = vi.fn();
      await using client = await connect(async function* () {
        yield accept();
        try {
          yield accept();
        } catch (error) {
          seen((error as Error).message);
        }
        yield send("still here");
      });
      expect(await client.receive()).toBe("still here");
      expect(seen).toHaveBeenCalledWith(expect.stringContaining("already accepted"));
    });

    it("text goes out as text and bytes as binary, in order", async () => {
      await using client = await connect(async function* () {
        yield send("text");
        yield send(new Uint8Array([1, 2, 3]));
        yield send(Buffer.from("buf"));
        yield send("");
        yield send("żółw 🐢");
      });
      expect(await client.receive()).toBe("text");
      const bytes = await client.receive();
      expect(Buffer.isBuffer(bytes)).toBe(true);
      expect([...(bytes as Buffer)]).toEqual([1, 2, 3]);
      expect((await client.receive()).toString()).toBe("buf");
      expect(await client.receive()).toBe("");
      expect(await client.receive()).toBe("żółw 🐢");
    });

    it("the receiver gets client text as strings and binary as Buffers, in order", async () => {
      const seen: unknown[] = [];
      await using client = await connect(async function* (_scope, receiver) {
        for await (const message of receiver) {
          seen.push(typeof message === "string" ? message : { binary: Buffer.isBuffer(message), bytes: [...message] });
          if (seen.length === 1000) yield send("done");
        }
      });
      for (let i = 0; i < 999; i++) client.send(i % 2 === 0 ? String(i) : new Uint8Array([i % 256]));
      client.send(new Uint8Array([7, 8]).buffer);
      expect(await client.receive()).toBe("done");
      expect(seen[0]).toBe("0");
      expect(seen[1]).toEqual({ binary: true, bytes: [1] });
      expect(seen[998]).toBe("998");
      expect(seen[999]).toEqual({ binary: true, bytes: [7, 8] });
    });

    it("something yielded that is not an event closes with 1011", async () => {
      const client = await connect(async function* () {
        yield send("fine");
        yield { type: "websocket.nonsense" } as never;
      });
      expect((await client.closed).code).toBe(1011);
    });
  });

  describe(`how a connection ends (${transport})`, () => {
    it("returning closes with 1000", async () => {
      const client = await connect(async function* () {
        yield send("done");
      });
      expect(await client.receive()).toBe("done");
      expect(await client.closed).toEqual({ code: 1000, reason: "" });
    });

    it("yielding close sends it and finishes the generator, running its finally blocks", async () => {
      const cleanup = vi.fn();
      const after = vi.fn();
      const client = await connect(async function* () {
        try {
          yield close(4000, "bye");
          after();
        } finally {
          cleanup();
        }
      });
      expect(await client.closed).toEqual({ code: 4000, reason: "bye" });
      await client.close();
      expect(cleanup).toHaveBeenCalledTimes(1);
      expect(after).not.toHaveBeenCalled();
    });

    it("throwing closes with 1011, logs once with the connection id, and hands the error to onClose", async () => {
      const logger = recordingLogger();
      const closes: CloseInfo[] = [];
      let id = "";
      const boom = new Error("boom");
      const app = websocket(
        async function* (scope) {
          id = scope.id;
          yield send("about to fail");
          throw boom;
        },
        { onClose: (_s, info) => void closes.push(info) },
      );
      const client = await connect(app, "/", { logger });
      expect(await client.receive()).toBe("about to fail");
      expect(await client.closed).toEqual({ code: 1011, reason: "Internal error" });
      await client.close();
      expect(closes).toEqual([{ code: 1011, reason: "Internal error", cause: "error", error: boom }]);
      const errors = logger.entries.filter((e) => e.level === "error");
      expect(errors).toHaveLength(1);
      expect(errors[0]?.context).toMatchObject({ connection: id, err: boom });
    });

    it("a client close ends the receiver, then onDisconnect and onClose run once each, in order", async () => {
      const calls: string[] = [];
      const finished = vi.fn();
      const app = websocket(
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
      );
      const client = await connect(app);
      expect(await client.close(4100, "leaving")).toEqual({ code: 4100, reason: "leaving" });
      expect(calls).toEqual(["disconnect 4100 leaving", "close 4100 leaving client"]);
      await vi.waitFor(() => expect(finished).toHaveBeenCalledTimes(1));
    });

    it("a client close without a code reaches the hooks as 1005", async () => {
      const closes: CloseInfo[] = [];
      const client = await connect(
        websocket(async function* (_scope, receiver) {
          for await (const _ of receiver);
        }, { onClose: (_s, info) => void closes.push(info) }),
      );
      expect(await client.close()).toEqual({ code: 1005, reason: "" });
      expect(closes).toEqual([{ code: 1005, reason: "", cause: "client" }]);
    });

    it("a dropped connection reports 1006 to onDisconnect and onClose", async () => {
      const closes: CloseInfo[] = [];
      const disconnects = vi.fn();
      const client = await connect(
        websocket(async function* (_scope, receiver) {
          for await (const _ of receiver);
        }, { onDisconnect: (_s, info) => disconnects(info), onClose: (_s, info) => void closes.push(info) }),
      );
      expect(await client.terminate()).toEqual({ code: 1006, reason: "" });
      expect(closes).toEqual([{ code: 1006, reason: "", cause: "client" }]);
      expect(disconnects).toHaveBeenCalledWith({ code: 1006, reason: "" });
    });

    it("onDisconnect does not run when the server ends the connection", async () => {
      const disconnects = vi.fn();
      const closes: CloseInfo[] = [];
      const client = await connect(
        websocket(async function* () {
          yield close(1000);
        }, { onDisconnect: disconnects, onClose: (_s, info) => void closes.push(info) }),
      );
      await client.closed;
      await client.close();
      expect(closes).toEqual([{ code: 1000, reason: "", cause: "server", error: undefined }]);
      expect(disconnects).not.toHaveBeenCalled();
    });

    it("scope.signal aborts when the connection ends", async () => {
      let signal: AbortSignal | undefined;
      const started = gate();
      const client = await connect(async function* (scope, receiver) {
        signal = scope.signal;
        started.open();
        for await (const _ of receiver);
      });
      await started.promise;
      expect(signal?.aborted).toBe(false);
      await client.close();
      expect(signal?.aborted).toBe(true);
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
      const client = await connect(async function* (scope: Scope, receiver) {
        for await (const { source, value } of merge({ message: receiver, tick: ticks(scope.signal) })) {
          if (source === "message") yield send(`echo ${value as string}`);
          else if (value === 0) yield send("tick 0");
        }
      });
      expect(await client.receive()).toBe("tick 0");
      client.send("hello");
      expect(await client.receive()).toBe("echo hello");
      await client.close();
      await vi.waitFor(() => expect(cancelled).toHaveBeenCalledTimes(1));
    });

    it("a message over maxPayload closes with 1009 and onClose sees a protocol error", async () => {
      const closes: CloseInfo[] = [];
      const client = await connect(
        websocket(async function* (_scope, receiver) {
          for await (const message of receiver) yield send(message);
        }, { onClose: (_s, info) => void closes.push(info) }),
        "/",
        { maxPayload: 8 },
      );
      client.send("12345678");
      expect(await client.receive()).toBe("12345678");
      client.send("123456789");
      expect((await client.closed).code).toBe(1009);
      await client.close();
      expect(closes).toMatchObject([{ code: 1009, cause: "error" }]);
    });

    it("the heartbeat drops a client that stops answering pings", async () => {
      const closes: CloseInfo[] = [];
      const client = await connect(
        websocket(async function* (_scope, receiver) {
          for await (const _ of receiver);
        }, { onClose: (_s, info) => void closes.push(info) }),
        "/",
        { autoPong: false, pingInterval: 40, pingTimeout: 40 },
      );
      expect(await client.closed).toEqual({ code: 1006, reason: "" });
      await client.close();
      expect(closes).toEqual([{ code: 1006, reason: "", cause: "heartbeat" }]);
    });

    it("the heartbeat keeps a client that answers pings", async () => {
      let pings = 0;
      await using client = await connect(
        async function* (_scope, receiver) {
          for await (const _ of receiver) yield send("still here");
        },
        "/",
        { pingInterval: 20, pingTimeout: 20 },
      );
      while (pings++ < 5) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        client.send("x");
        expect(await client.receive()).toBe("still here");
      }
    });
  });

  describe(`the scope and the receiver's bound (${transport})`, () => {
    it("holds the path, query, lower-cased headers, origin, subprotocols and address", async () => {
      let seen: Scope | undefined;
      const client = await connect(
        async function* (scope) {
          seen = scope;
          yield accept({ subprotocol: "p2" });
        },
        "/room/a%20b?x=1&y=two",
        { subprotocols: ["p1", "p2"], headers: { "X-Custom": "v" }, origin: "https://example.com" },
      );
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
      expect(seen?.headers.origin).toBe("https://example.com");
      expect(seen?.headers.upgrade).toBe("websocket");
      expect(seen?.id).toMatch(/^[\w-]{16}$/);
    });

    it("a full receiver queue stops reading the client, and every message still arrives in order", async () => {
      const release = gate();
      let read = 0;
      let ordered = true;
      const total = 400;
      await using srv = server(
        async function* (_scope, receiver) {
          yield accept();
          await release.promise;
          for await (const message of receiver) {
            ordered &&= (message as string).startsWith(`${read}:`);
            if (++read === total) yield send("all read");
          }
        },
        { maxQueue: 4 },
      );
      const client = await srv.connect("/");
      for (let i = 0; i < total; i++) client.send(`${i}:`.padEnd(1024, "x"));
      await vi.waitFor(() => expect(srv.stats().queuedMessages).toBeGreaterThanOrEqual(4));
      // Memory stops at maxQueue exactly; over ws, what one socket read (64 KiB) held still arrives
      // after pause(). Either way, the client is no longer read: far fewer than sent are queued.
      expect(srv.stats().queuedMessages).toBeLessThanOrEqual(4 + 64);
      release.open();
      expect(await client.receive()).toBe("all read");
      expect(ordered).toBe(true);
    });

    it("a push-only handler's unread messages are discarded and counted, not queued", async () => {
      await using srv = server(
        websocket(
          async function* () {
            yield send("ready");
            await new Promise(() => {});
          },
          { receive: false },
        ),
        { maxQueue: 2 },
      );
      const client = await srv.connect("/");
      expect(await client.receive()).toBe("ready");
      for (let i = 0; i < 10; i++) client.send("ignored");
      await vi.waitFor(() => expect(srv.stats().messagesDiscarded).toBe(10));
      expect(srv.stats().queuedMessages).toBe(0);
    });
  });

  describe(`testServer (${transport})`, () => {
    it("serves several clients on one runtime and counts the open connections", async () => {
      await using srv = server(async function* (_scope, receiver) {
        for await (const message of receiver) yield send(message);
      });
      const a = await srv.connect("/");
      const b = await srv.connect("/");
      expect(srv.connections).toBe(2);
      a.send("from a");
      b.send("from b");
      expect(await a.receive()).toBe("from a");
      expect(await b.receive()).toBe("from b");
      await a.close();
      expect(srv.connections).toBe(1);
      b.send("b is still here");
      expect(await b.receive()).toBe("b is still here");
    });

    it("close() shuts down gracefully: sends flushed, 1001 to every client, onClose with cause shutdown, then 503", async () => {
      const closes: CloseInfo[] = [];
      const srv = server(
        websocket(async function* (_scope, receiver) {
          yield send("hello");
          for await (const _ of receiver);
        }, { onClose: (_s, info) => void closes.push(info) }),
      );
      const clients = [await srv.connect("/"), await srv.connect("/")];
      await srv.close();
      for (const client of clients) {
        expect(await client.receive()).toBe("hello");
        expect(await client.closed).toEqual({ code: 1001, reason: "" });
      }
      expect(closes).toMatchObject([
        { code: 1001, cause: "shutdown" },
        { code: 1001, cause: "shutdown" },
      ]);
      expect(srv.connections).toBe(0);
      // The runtime answers 503 after close(); a real server has also stopped listening.
      await expect(srv.connect("/")).rejects.toThrow(transport === "memory" ? /HTTP 503/ : /ECONNREFUSED/);
    });
  });
}
