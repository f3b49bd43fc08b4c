import type { Handler } from "@scallion/core";
import { send } from "@scallion/core";
import { describe, expect, expectTypeOf, it, vi } from "vitest";
import { z } from "zod";
import type { Client } from "../src/client.js";
import type { ClientError } from "../src/errors.js";
import { createClient, json } from "../src/node.js";
import type { Message } from "../src/websocket.js";
import { client } from "./_clients.js";
import { startServer } from "./_server.js";

// One protocol, as a chat server would validate it.
const ClientMessage = z.discriminatedUnion("type", [
  z.object({ type: z.literal("say"), text: z.string().min(1) }),
  z.object({ type: z.literal("typing") }),
]);
const ServerMessage = z.discriminatedUnion("type", [
  z.object({ type: z.literal("said"), from: z.string(), text: z.string() }),
  z.object({ type: z.literal("members"), count: z.number().int() }),
]);
type ServerMessage = z.infer<typeof ServerMessage>;
type ClientMessage = z.infer<typeof ClientMessage>;

/** Answers each `say` with a `said`, and sends whatever raw frames it is told to first. */
function chat(preamble: string[]): Handler {
  return async function* (_scope, receiver) {
    for (const frame of preamble) yield send(frame);
    for await (const message of receiver) {
      const parsed = ClientMessage.parse(JSON.parse(message as string));
      if (parsed.type === "say") yield send(JSON.stringify({ type: "said", from: "server", text: parsed.text }));
    }
  };
}

describe("typed messages", () => {
  it("infers send and receive types from the schemas", () => {
    const c = createClient("ws://127.0.0.1:1", { incoming: ServerMessage, outgoing: ClientMessage, reconnect: false });
    expectTypeOf(c).toEqualTypeOf<Client<ServerMessage, ClientMessage>>();
    expectTypeOf(c.send).parameter(0).toEqualTypeOf<ClientMessage>();
    expectTypeOf(c.sendJson).parameter(0).toEqualTypeOf<ClientMessage>();
    c.on("message", (m) => expectTypeOf(m).toEqualTypeOf<ServerMessage>());
    c.on("error", (e) => expectTypeOf(e).toEqualTypeOf<ClientError>());
    expectTypeOf<Parameters<typeof c.send>[0]>().not.toEqualTypeOf<string>();
    // @ts-expect-error -- not a ClientMessage
    expect(() => c.send({ type: "shout" })).toThrow();
    void c.close();
  });

  it("accepts the schema types as explicit type arguments", () => {
    const c = createClient<typeof ServerMessage, typeof ClientMessage>("ws://127.0.0.1:1", {
      incoming: ServerMessage,
      outgoing: ClientMessage,
      reconnect: false,
    });
    expectTypeOf(c[Symbol.asyncIterator]().next).returns.resolves.toEqualTypeOf<IteratorResult<ServerMessage, undefined>>();
    void c.close();
  });

  it("without schemas receives raw text or bytes and sends raw or any JSON", () => {
    const c = createClient("ws://127.0.0.1:1", { reconnect: false });
    expectTypeOf(c).toEqualTypeOf<Client<Message, never>>();
    expectTypeOf(c.send).parameter(0).toEqualTypeOf<string | ArrayBuffer | ArrayBufferView>();
    expectTypeOf(c.sendJson).parameter(0).toEqualTypeOf<unknown>();
    const parsed = createClient("ws://127.0.0.1:1", { incoming: json<{ price: number }>(), reconnect: false });
    parsed.on("message", (m) => expectTypeOf(m).toEqualTypeOf<{ price: number }>());
    void c.close();
    void parsed.close();
  });

  it("delivers valid messages parsed, and turns invalid ones into error events", async () => {
    const server = await startServer(
      chat(['{"type":"members","count":2}', "not json", '{"type":"said"}', '{"type":"members","count":3}']),
    );
    const c = client(server.url, { incoming: ServerMessage, outgoing: ClientMessage });
    const messages: ServerMessage[] = [];
    const errors: ClientError[] = [];
    c.on("message", (m) => messages.push(m));
    c.on("error", (e) => errors.push(e));
    c.send({ type: "say", text: "hello" });
    await vi.waitFor(() =>
      expect(messages).toEqual([
        { type: "members", count: 2 },
        { type: "members", count: 3 },
        { type: "said", from: "server", text: "hello" },
      ]),
    );
    expect(errors.map((e) => [e.code, e.data])).toEqual([
      ["SCALLION_INVALID_MESSAGE", "not json"],
      ["SCALLION_INVALID_MESSAGE", { type: "said" }],
    ]);
    expect(c.state).toBe("open");
  });

  it("refuses to send a message its outgoing schema rejects, and sends nothing", async () => {
    const received: unknown[] = [];
    const server = await startServer(async function* (_scope, receiver) {
      for await (const m of receiver) received.push(m);
    });
    const c = client(server.url, { outgoing: ClientMessage });
    await c.opened();
    expect(() => c.send({ type: "say", text: "" })).toThrow(
      expect.objectContaining({ code: "SCALLION_INVALID_MESSAGE", data: { type: "say", text: "" } }),
    );
    c.send({ type: "typing" });
    await vi.waitFor(() => expect(received).toEqual(['{"type":"typing"}']));
  });

  it("accepts any object with safeParse as a schema", async () => {
    const server = await startServer(chat(["7", "-1"]));
    const positive = {
      safeParse: (data: unknown) =>
        typeof data === "number" && data > 0 ? { success: true as const, data } : { success: false as const, error: "not positive" },
    };
    const c = client(server.url, { incoming: positive });
    const errors: unknown[] = [];
    c.on("error", (e) => errors.push(e.cause));
    const first = await c[Symbol.asyncIterator]().next();
    expectTypeOf(first.value).toEqualTypeOf<number | undefined>();
    expect(first.value).toBe(7);
    await vi.waitFor(() => expect(errors).toEqual(["not positive"]));
  });
});
