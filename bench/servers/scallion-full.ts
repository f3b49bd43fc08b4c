/**
 * Scallion with the whole stack on the measured path: router, origin check, authentication by
 * query token (`?token=bench`), and on `/echo` each message parsed as JSON, validated with zod as
 * `{"type":"echo","data":string}` and sent back with `sendJson`.
 *
 * `auth`, `json` and `validate` are not in @scallion/middleware yet: the three functions below
 * do the same work and stand in for them until they are.
 */
import type { Event, Handler, Message, Outcome, Scope } from "@scallion/core";
import { close, publish, reject, sendJson, serve, subscribe } from "@scallion/core";
import { compose, origin, router } from "@scallion/middleware";
import { z } from "zod";
import { announce, host, port } from "./_listen.js";

const EchoMessage = z.object({ type: z.literal("echo"), data: z.string() });

/** Stand-in for `auth({ verify })` with a query-token extractor: `?token=` must verify, else 401. */
function queryTokenAuth<U>(verify: (token: string) => U | undefined) {
  return <S extends Scope, In>(next: Handler<S & { user: U }, In>): Handler<S, In> =>
    function authenticate(scope, receiver) {
      const token = scope.query.token;
      const user = token === undefined ? undefined : verify(token);
      if (user === undefined) return refuse(reject(401, "Unauthorized"));
      return next({ ...scope, user }, receiver);
    };
}

/** Stand-in for `json()`: the receiver yields parsed values; a message that is not JSON closes with 1007. */
function parseJson() {
  return <S extends Scope>(next: Handler<S, unknown>): Handler<S, Message> =>
    async function* json(scope, receiver) {
      const failure = { reason: "" };
      yield* next(scope, parsed(receiver, failure));
      if (failure.reason !== "") yield close(1007, failure.reason);
    };
}

async function* parsed(receiver: AsyncIterable<Message>, failure: { reason: string }): AsyncGenerator<unknown> {
  for await (const message of receiver) {
    try {
      yield JSON.parse(typeof message === "string" ? message : Buffer.from(message).toString());
    } catch {
      failure.reason = "Invalid JSON";
      return;
    }
  }
}

/** Stand-in for `validate(schema)`: the receiver yields `z.infer<schema>`; an invalid message closes with 1007. */
function validateWith<T>(schema: z.ZodType<T>) {
  return <S extends Scope>(next: Handler<S, T>): Handler<S, unknown> =>
    async function* validate(scope, receiver) {
      const failure = { reason: "" };
      yield* next(scope, validated(receiver, schema, failure));
      if (failure.reason !== "") yield close(1007, failure.reason);
    };
}

async function* validated<T>(
  receiver: AsyncIterable<unknown>,
  schema: z.ZodType<T>,
  failure: { reason: string },
): AsyncGenerator<T> {
  for await (const value of receiver) {
    const result = schema.safeParse(value);
    if (!result.success) {
      failure.reason = "Invalid message";
      return;
    }
    yield result.data;
  }
}

async function* refuse(event: Event): AsyncGenerator<Event, void, Outcome> {
  yield event;
}

const guarded = compose(
  origin(),
  queryTokenAuth((token) => (token === "bench" ? { name: "bench" } : undefined)),
);

const app = router({
  "/echo": guarded(
    parseJson()(
      validateWith(EchoMessage)(async function* echo(_scope, receiver) {
        for await (const message of receiver) yield sendJson(message);
      }),
    ),
  ),
  "/room": guarded(async function* room(_scope, receiver) {
    yield subscribe("room");
    for await (const message of receiver) yield publish("room", message);
  }),
});

const server = await serve(app, { port, host });
announce("scallion-full", server.address.port as number);
