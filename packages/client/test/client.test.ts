import type { Handler } from "@scallion/core";
import { close, send } from "@scallion/core";
import { describe, expect, it, vi } from "vitest";
import { ClientError } from "../src/errors.js";
import { client, recordStates } from "./_clients.js";
import { recordingEcho, startServer } from "./_server.js";

const fast = { min: 10, max: 50 };

describe("connecting", () => {
  it("goes connecting → open and echoes text and bytes", async () => {
    const { app } = recordingEcho();
    const server = await startServer(app);
    const c = client(`${server.url}/echo`);
    const states = recordStates(c);
    const received: unknown[] = [];
    c.on("message", (m) => received.push(m));
    await c.opened();
    c.send("hi");
    c.send(new Uint8Array([1, 2, 3]));
    await vi.waitFor(() => expect(received).toEqual(["hi", new Uint8Array([1, 2, 3])]));
    expect(states).toEqual(["connecting", "open"]);
  });

  it("delivers to every async iterator and every callback", async () => {
    const server = await startServer(recordingEcho().app);
    const c = client(server.url);
    const seen: unknown[] = [];
    c.on("message", (m) => seen.push(m));
    const a = c[Symbol.asyncIterator]();
    const b = c[Symbol.asyncIterator]();
    c.send("one");
    c.send("two");
    expect([(await a.next()).value, (await a.next()).value]).toEqual(["one", "two"]);
    expect((await b.next()).value).toBe("one");
    expect(seen).toEqual(["one", "two"]);
  });

  it("ends for-await loops when the client closes", async () => {
    const server = await startServer(recordingEcho().app);
    const c = client(server.url);
    c.send("last");
    const collected: unknown[] = [];
    for await (const message of c) {
      collected.push(message);
      void c.close();
    }
    expect(collected).toEqual(["last"]);
    expect(c.state).toBe("closed");
  });

  it("sendJson sends JSON text", async () => {
    const { app, received } = recordingEcho();
    const server = await startServer(app);
    const c = client(server.url);
    c.sendJson({ type: "hello", n: 1 });
    await vi.waitFor(() => expect(received).toEqual(['{"type":"hello","n":1}']));
  });

  it("sends request headers from Node", async () => {
    let seen: string | undefined;
    const server = await startServer(async function* (scope) {
      seen = scope.headers["x-token"];
      yield send("ok");
    });
    const c = client(server.url, { headers: { "x-token": "secret" } });
    await vi.waitFor(() => expect(seen).toBe("secret"));
    await c.opened();
  });

  it("keeps the default of an option given as undefined", async () => {
    const server = await startServer(recordingEcho().app);
    await server.stop();
    const c = client(server.url, { reconnect: { min: 5, max: undefined, maxAttempts: 1 }, ping: undefined });
    const delays: number[] = [];
    c.on("reconnecting", ({ delay }) => delays.push(delay));
    await expect(c.closed).resolves.toMatchObject({ code: 1006 });
    expect(delays).toHaveLength(1);
    expect(delays[0]).toBeGreaterThanOrEqual(0);
    expect(delays[0]).toBeLessThan(5);
  });

  it("throws SCALLION_INVALID_OPTION for a misspelt option", () => {
    expect(() => client("ws://127.0.0.1:1", { maxQueu: 3 } as never)).toThrow(
      expect.objectContaining({ code: "SCALLION_INVALID_OPTION", message: expect.stringContaining("maxQueu") }),
    );
    expect(() => client("ws://127.0.0.1:1", { reconnect: { factor: 0.5 } })).toThrow(/reconnect\.factor/);
  });
});

describe("queueing", () => {
  it("sends what was sent before the first open, in order", async () => {
    const { app, received } = recordingEcho();
    const server = await startServer(app);
    const c = client(server.url);
    expect(["a", "b", "c"].map((m) => c.send(m))).toEqual(["queued", "queued", "queued"]);
    expect(c.queued).toBe(3);
    await c.opened();
    expect(c.send("d")).toBe("sent");
    await vi.waitFor(() => expect(received).toEqual(["a", "b", "c", "d"]));
  });

  it("throws SCALLION_QUEUE_FULL when maxQueue messages already wait", async () => {
    const server = await startServer(recordingEcho().app);
    await server.stop();
    const c = client(server.url, { maxQueue: 2, reconnect: fast });
    c.send("1");
    c.send("2");
    expect(() => c.send("3")).toThrow(expect.objectContaining({ name: "ClientError", code: "SCALLION_QUEUE_FULL" }));
    expect(c.queued).toBe(2);
  });

  it("with maxQueue 0 refuses to send while disconnected", () => {
    const c = client("ws://127.0.0.1:1", { maxQueue: 0, reconnect: false });
    expect(() => c.send("x")).toThrow(ClientError);
  });

  it("throws SCALLION_CLIENT_CLOSED after close, and reports unsent messages", async () => {
    const c = client("ws://127.0.0.1:1", { reconnect: fast });
    c.send("never");
    await c.close();
    expect(() => c.send("late")).toThrow(expect.objectContaining({ code: "SCALLION_CLIENT_CLOSED" }));
    await expect(c.closed).resolves.toEqual({ code: 1000, reason: "", unsent: 1 });
  });
});

describe("reconnecting", () => {
  it("reconnects after a server restart and sends what waited, in order, exactly once", async () => {
    const { app, received } = recordingEcho();
    const server = await startServer(app);
    const c = client(server.url, { reconnect: fast });
    const states = recordStates(c);
    const echoed: unknown[] = [];
    c.on("message", (m) => echoed.push(m));
    c.send("before-1");
    c.send("before-2");
    await vi.waitFor(() => expect(echoed).toEqual(["before-1", "before-2"]));

    await server.stop();
    await vi.waitFor(() => expect(c.state).toBe("reconnecting"));
    for (const m of ["during-1", "during-2", "during-3"]) expect(c.send(m)).toBe("queued");
    await server.start();
    await c.opened();
    c.send("after-1");

    const expected = ["before-1", "before-2", "during-1", "during-2", "during-3", "after-1"];
    await vi.waitFor(() => expect(echoed).toEqual(expected));
    expect(received).toEqual(expected);
    expect(states[0]).toBe("connecting");
    expect(states).toContain("reconnecting:1001");
    expect(states.at(-1)).toBe("open");
    expect(server.connections).toBe(2);
  });

  it("sends queued messages before anything an open listener sends", async () => {
    const { app, received } = recordingEcho();
    const server = await startServer(app);
    const c = client(server.url);
    c.on("open", () => c.send("from the open listener"));
    c.send("queued first");
    await vi.waitFor(() => expect(received).toEqual(["queued first", "from the open listener"]));
  });

  it("counts attempts up while connections drop at once, and from 1 again after one stayed open for resetAfter", async () => {
    let connections = 0;
    const server = await startServer(async function* () {
      if (++connections === 4) {
        // Accept, then stay open longer than resetAfter.
        yield send("open");
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      yield close(1000);
    });
    const c = client(server.url, { reconnect: { min: 5, max: 10, resetAfter: 120 } });
    const attempts: number[] = [];
    c.on("reconnecting", ({ attempt }) => attempts.push(attempt));
    await vi.waitFor(() => expect(attempts.length).toBeGreaterThanOrEqual(5));
    expect(attempts.slice(0, 5)).toEqual([1, 2, 3, 1, 2]);
  });

  it("keeps trying with growing delays while the server is down", async () => {
    const server = await startServer(recordingEcho().app);
    await server.stop();
    const c = client(server.url, { reconnect: { min: 5, max: 40, factor: 2 } });
    const attempts: { attempt: number; delay: number }[] = [];
    c.on("reconnecting", ({ attempt, delay }) => attempts.push({ attempt, delay }));
    await vi.waitFor(() => expect(attempts.length).toBeGreaterThanOrEqual(6));
    expect(attempts.map((a) => a.attempt).slice(0, 6)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(attempts.every((a, i) => a.delay >= 0 && a.delay < Math.min(40, 5 * 2 ** i))).toBe(true);
    await server.start();
    await c.opened();
  });

  it("gives up after maxAttempts and closes with the last code", async () => {
    const server = await startServer(recordingEcho().app);
    await server.stop();
    const c = client(server.url, { reconnect: { ...fast, maxAttempts: 2 } });
    const states = recordStates(c);
    const { code } = await c.closed;
    expect(code).toBe(1006);
    expect(states).toEqual(["connecting", "reconnecting:1006", "reconnecting:1006", "closed:1006"]);
  });

  it.each([1008, 4401, 4403])("stops for good when the server closes with %i", async (code) => {
    const server = await startServer(async function* () {
      yield send("bye");
      yield close(code, "go away");
    });
    const c = client(server.url, { reconnect: fast });
    await expect(c.closed).resolves.toEqual({ code, reason: "go away", unsent: 0 });
    expect(server.connections).toBe(1);
  });

  it("reconnects on a server's 1000 but not on codes listed in stopOn", async () => {
    let closes = 0;
    const server = await startServer(async function* () {
      closes++;
      yield close(closes < 3 ? 1000 : 4000, "done");
    });
    const c = client(server.url, { reconnect: { ...fast, stopOn: [4000] } });
    await expect(c.closed).resolves.toMatchObject({ code: 4000 });
    expect(server.connections).toBe(3);
  });

  it("does not reconnect after the user closes", async () => {
    const server = await startServer(recordingEcho().app);
    const c = client(server.url, { reconnect: fast });
    await c.opened();
    const states = recordStates(c);
    await c.close();
    expect(states).toEqual(["closed:1000"]);
    await vi.waitFor(() => expect(server.connections).toBe(1));
    await expect(c.opened()).rejects.toMatchObject({ code: "SCALLION_CLIENT_CLOSED" });
  });

  it("with reconnect: false closes when the connection drops", async () => {
    const server = await startServer(recordingEcho().app);
    const c = client(server.url, { reconnect: false });
    await c.opened();
    await server.stop();
    await expect(c.closed).resolves.toMatchObject({ code: 1001 });
  });

  it("retries a connection attempt that hangs past connectTimeout", async () => {
    const { createServer } = await import("node:net");
    // A TCP server that accepts and never answers the HTTP upgrade.
    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    try {
      const port = (silent.address() as { port: number }).port;
      const c = client(`ws://127.0.0.1:${port}`, { connectTimeout: 50, reconnect: fast });
      const reasons: string[] = [];
      c.on("reconnecting", ({ reason }) => reasons.push(reason));
      await vi.waitFor(() => expect(reasons.slice(0, 2)).toEqual(["connect timeout", "connect timeout"]));
      await c.close();
    } finally {
      silent.close();
    }
  });
});

describe("dead connections", () => {
  it("drops a connection that stays silent past idleTimeout and reconnects", async () => {
    const server = await startServer(async function* (_scope, receiver) {
      for await (const _ of receiver);
    } satisfies Handler);
    const c = client(server.url, { idleTimeout: 80, reconnect: fast });
    const reasons: string[] = [];
    c.on("reconnecting", ({ reason }) => reasons.push(reason));
    await vi.waitFor(() => expect(server.connections).toBeGreaterThanOrEqual(2));
    expect(reasons[0]).toBe("no message for 80 ms");
  });

  it("keeps a quiet connection that answers application pings, and hides the pongs", async () => {
    let pings = 0;
    const server = await startServer(async function* (_scope, receiver) {
      for await (const message of receiver) {
        if (message === "ping") {
          pings++;
          yield send("pong");
        }
      }
    } satisfies Handler);
    const c = client(server.url, { idleTimeout: 120, ping: { message: "ping", pong: "pong" }, reconnect: fast });
    const messages: unknown[] = [];
    c.on("message", (m) => messages.push(m));
    await vi.waitFor(() => expect(pings).toBeGreaterThanOrEqual(5));
    expect(server.connections).toBe(1);
    expect(c.state).toBe("open");
    expect(messages).toEqual([]);
  });
});
