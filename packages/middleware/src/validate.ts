import type { Event, Handler, Middleware, Outcome, Scope } from "@scallion/core";
import { CloseError, mapReceiver, OptionError, sendJson, SKIP, truncateCloseReason } from "@scallion/core";
import { checkOptions, oneOf } from "@scallion/core/options";
import type * as z from "zod";
import { interject } from "./_interject.js";
import { describe as describeKind } from "./_message-kinds.js";

/** Options of {@link validate}, when it checks more than what arrives. */
export interface ValidateOptions<In extends z.ZodType> {
  /** The schema every incoming message must match (a discriminated union, typically). */
  in: In;
  /**
   * A schema for what the handler sends as JSON: a send that does not match throws, closing the
   * connection with 1011 and logging why. Meant for development; it parses every outgoing text.
   */
  out?: z.ZodType;
  /**
   * A message that does not match: `"close"` (default) closes with 1008 and a reason naming the
   * failing path; `"report"` sends `{ "type": "error", "error": "…" }` and goes on.
   */
  onInvalid?: "close" | "report";
}

/**
 * Checks each message against a zod schema: the handler's receiver yields `z.output<schema>`,
 * typed, with nothing to cast. Usually after `json()`.
 *
 * @example
 * const ClientMessage = z.discriminatedUnion("type", [
 *   z.object({ type: z.literal("message"), text: z.string().min(1).max(2000) }),
 * ]);
 * compose(json(), validate(ClientMessage))(async function* (scope, receiver) {
 *   for await (const message of receiver) yield sendJson({ echo: message.text });
 * });
 */
export function validate<In extends z.ZodType>(schema: In | ValidateOptions<In>): Middleware<object, unknown, z.output<In>> {
  const options: ValidateOptions<In> = isSchema(schema) ? { in: schema } : schema;
  checkOptions("validate()", options, validateChecks);
  if (!isSchema(options.in)) throw new OptionError("validate()", "in", "must be a zod schema (or give the schema itself)");
  const { in: incoming, out, onInvalid = "close" } = options;

  const middleware = <S extends Scope>(next: Handler<S, z.output<In>>): Handler<S, unknown> => {
    const checked: Handler<S, z.output<In>> = out === undefined ? next : (scope, receiver) => checkOutgoing(out, next(scope, receiver));
    if (onInvalid === "close") {
      return function validateMessages(scope, receiver) {
        return checked(
          scope,
          mapReceiver(receiver, (message) => {
            const result = incoming.safeParse(message);
            if (result.success) return result.data as z.output<In>;
            throw new CloseError(1008, describe(result.error));
          }),
        );
      };
    }
    return function validateMessagesReporting(scope, receiver) {
      const valid = mapReceiver(receiver, (message) => {
        const result = incoming.safeParse(message);
        if (result.success) return result.data as z.output<In>;
        stream.push(sendJson({ type: "error", error: describe(result.error) }));
        return SKIP;
      });
      const stream = interject(checked(scope, valid));
      return stream.events;
    };
  };
  return describeKind(middleware, { name: "validate()", readsRaw: false, parses: true });
}

const schemaCheck = (v: unknown) => (isSchema(v) ? undefined : "a zod schema");
const validateChecks = { in: schemaCheck, out: schemaCheck, onInvalid: oneOf("close", "report") };

/** "text: Too big: expected string to have <=2000 characters", cut to fit a close reason. */
function describe(error: z.ZodError): string {
  const issue = error.issues[0];
  if (issue === undefined) return "invalid message";
  const path = issue.path.map(String).join(".");
  return truncateCloseReason(`invalid message${path ? ` at ${path}` : ""}: ${issue.message}`);
}

/** Passes the handler's events through, throwing on a JSON send that `schema` refuses. */
function checkOutgoing(
  schema: z.ZodType,
  events: AsyncIterable<Event, unknown, Outcome>,
): AsyncIterable<Event, unknown, Outcome> {
  return {
    [Symbol.asyncIterator]() {
      const iterator = events[Symbol.asyncIterator]();
      const check = (result: IteratorResult<Event, unknown>): IteratorResult<Event, unknown> => {
        if (result.done || result.value.type !== "websocket.send" || result.value.text === undefined) return result;
        let value: unknown;
        try {
          value = JSON.parse(result.value.text);
        } catch {
          throw new TypeError("validate(): the handler sent text that is not JSON");
        }
        const parsed = schema.safeParse(value);
        if (!parsed.success) {
          throw new TypeError(`validate(): the handler sent a message its out schema refuses: ${describe(parsed.error)}`);
        }
        return result;
      };
      return {
        next: (outcome?: Outcome) => (outcome === undefined ? iterator.next() : iterator.next(outcome)).then(check),
        return: async (value?: unknown) => (await iterator.return?.(value)) ?? { done: true, value },
        throw: async (error?: unknown) => {
          if (iterator.throw === undefined) throw error;
          return check(await iterator.throw(error));
        },
      };
    },
  };
}

function isSchema(value: unknown): value is z.ZodType {
  return typeof value === "object" && value !== null && typeof (value as { safeParse?: unknown }).safeParse === "function";
}
