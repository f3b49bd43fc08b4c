import type { Handler } from "@scallion/core";
import { sendJson } from "@scallion/core";
import { connect } from "@scallion/testing";
import { describe, expect, expectTypeOf, it, vi } from "vitest";
import * as z from "zod";
import type { Json } from "../src/index.js";
import { compose, json, rateLimit, validate } from "../src/index.js";

const ClientMessage = z.discriminatedUnion("type", [
  z.object({ type: z.literal("message"), text: z.string().min(1).max(2000) }),
  z.object({ type: z.literal("ping"), at: z.number() }),
]);

/** Echoes what it reads, as JSON, with its type checked at compile time. */
const typed = compose(
  json(),
  validate(ClientMessage),
)(async function* (_scope, receiver) {
  for await (const message of receiver) {
    expectTypeOf(message).toEqualTypeOf<z.output<typeof ClientMessage>>();
    yield sendJson(message.type === "message" ? { echo: message.text } : { pong: message.at });
  }
});

const raw: Handler<never, Json> = async function* () {};

for (const transport of ["memory", "ws"] as const) {
  describe(`json() and validate() (${transport})`, () => {
    it("hands the handler parsed, validated, typed messages", async () => {
      const client = await connect(typed, "/", { transport });
      client.sendJson({ type: "message", text: "hi" });
      client.sendJson({ type: "ping", at: 5 });
      expect(await client.receiveJson()).toEqual({ echo: "hi" });
      expect(await client.receiveJson()).toEqual({ pong: 5 });
      await client.close();
    });

    it("closes with 1007 on a frame that is not JSON", async () => {
      const client = await connect(typed, "/", { transport });
      client.send("{not json");
      expect(await client.closed).toEqual({ code: 1007, reason: "invalid JSON" });
    });

    it("closes with 1003 on a binary frame", async () => {
      const client = await connect(typed, "/", { transport });
      client.send(new Uint8Array([123, 125]));
      expect(await client.closed).toEqual({ code: 1003, reason: "binary messages are not accepted" });
    });

    it("closes with 1008 naming the failing path on a schema violation", async () => {
      const client = await connect(typed, "/", { transport });
      client.sendJson({ type: "message", text: "x".repeat(2001) });
      const { code, reason } = await client.closed;
      expect(code).toBe(1008);
      expect(reason).toMatch(/^invalid message at text: /);
      expect(Buffer.byteLength(reason)).toBeLessThanOrEqual(123);
    });

    it("reports instead of closing with onInvalid: report, and keeps the connection", async () => {
      const app = compose(
        json({ onInvalid: "report" }),
        validate({ in: ClientMessage, onInvalid: "report" }),
      )(async function* (_scope, receiver) {
        for await (const message of receiver) if (message.type === "message") yield sendJson({ echo: message.text });
      });
      const client = await connect(app, "/", { transport });
      client.send("nope");
      expect(await client.receiveJson()).toEqual({ type: "error", error: "invalid JSON" });
      client.sendJson({ type: "message", text: "" });
      expect(await client.receiveJson()).toMatchObject({ type: "error", error: expect.stringMatching(/at text/) });
      client.sendJson({ type: "message", text: "still here" });
      expect(await client.receiveJson()).toEqual({ echo: "still here" });
      await client.close();
    });

    it("survives 100,000 levels of nesting, long strings and __proto__ keys", async () => {
      const app = json()(async function* (_scope, receiver) {
        for await (const message of receiver) yield sendJson({ got: typeof message, polluted: ({} as { polluted?: unknown }).polluted ?? null });
      });
      const client = await connect(app, "/", { transport, maxPayload: 4 * 1024 * 1024 });
      client.send(JSON.stringify({ text: "y".repeat(1024 * 1024) }));
      expect(await client.receiveJson()).toEqual({ got: "object", polluted: null });
      client.send('{"__proto__": {"polluted": "yes"}, "constructor": {"prototype": {"polluted": "yes"}}}');
      expect(await client.receiveJson()).toEqual({ got: "object", polluted: null });
      client.send("[".repeat(100_000) + "]".repeat(100_000));
      expect(await client.closed).toEqual({ code: 1007, reason: "JSON nested deeper than 64 levels" });
    });
  });
}

describe("validate({ out })", () => {
  it("closes with 1011 when the handler sends what its out schema refuses", async () => {
    const ServerMessage = z.object({ type: z.literal("echo"), text: z.string() });
    const app = compose(
      json(),
      validate({ in: ClientMessage, out: ServerMessage }),
    )(async function* (_scope, receiver) {
      for await (const message of receiver) {
        yield sendJson({ type: "echo", text: message.type });
        yield sendJson({ type: "oops" });
      }
    });
    const client = await connect(app, "/", { logger: false });
    client.sendJson({ type: "ping", at: 1 });
    expect(await client.receiveJson()).toEqual({ type: "echo", text: "ping" });
    expect((await client.closed).code).toBe(1011);
  });

  it("refuses what is not a schema when called", () => {
    expect(() => validate({} as never)).toThrow(TypeError);
    expect(() => json({ maxDepth: 0 })).toThrow(TypeError);
    expect(() => json({ onInvalid: "ignore" } as never)).toThrow(TypeError);
    expectTypeOf(raw).toEqualTypeOf<Handler<never, Json>>();
  });
});

describe("rateLimit()", () => {
  const echo = rateLimit({ messages: 5, per: 60_000 })(async function* (_scope, receiver) {
    for await (const message of receiver) yield sendJson(message);
  });

  it("closes with 1008 past the burst", async () => {
    const client = await connect(echo, "/");
    for (let i = 0; i < 6; i++) client.send(`${i}`);
    for (let i = 0; i < 5; i++) expect(await client.receive()).toBe(`"${i}"`);
    expect(await client.closed).toEqual({ code: 1008, reason: "rate limit exceeded" });
  });

  it("drops and counts past the burst with onExceed: drop, then refills", async () => {
    const app = rateLimit({ messages: 2, per: 200, onExceed: "drop" })(async function* (scope, receiver) {
      for await (const message of receiver) yield sendJson({ message, dropped: scope.rateLimit.dropped });
    });
    const client = await connect(app, "/");
    for (let i = 0; i < 5; i++) client.send(`${i}`);
    expect(await client.receiveJson()).toEqual({ message: "0", dropped: 0 });
    expect(await client.receiveJson()).toEqual({ message: "1", dropped: 0 });
    // Tokens come back at one per 100 ms; until then "late" is dropped too.
    let reply: unknown;
    await vi.waitFor(async () => {
      client.send("late");
      reply = await client.receiveJson({ timeout: 30 });
      expect(reply).toMatchObject({ message: "late" });
    }, { timeout: 2_000, interval: 40 });
    expect((reply as { dropped: number }).dropped).toBeGreaterThanOrEqual(3);
    await client.close();
  });

  it("refuses a connection past maxConnectionsPerIp with 429, and counts them down on close", async () => {
    const app = rateLimit({ maxConnectionsPerIp: 2 })(async function* (_scope, receiver) {
      for await (const _ of receiver);
    });
    const { testServer } = await import("@scallion/testing");
    await using server = testServer(app, { transport: "ws" });
    const a = await server.connect("/");
    await server.connect("/");
    await expect(server.connect("/")).rejects.toMatchObject({ status: 429 });
    await a.close();
    const again = await server.connect("/");
    await again.close();
  });
});
