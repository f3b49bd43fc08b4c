import type { Message, Middleware } from "@scallion/core";
import { CloseError, mapReceiver, sendJson, SKIP } from "@scallion/core";
import { checkOptions, oneOf, optionChecks } from "@scallion/core/options";
import { interject } from "./_interject.js";
import { describe } from "./_message-kinds.js";

/** A value JSON can carry. */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** Options of {@link json}. */
export interface JsonOptions {
  /**
   * A message that is not JSON: `"close"` (default) closes with 1007 and a short reason;
   * `"report"` sends the client `{ "type": "error", "error": "…" }` and goes on.
   */
  onInvalid?: "close" | "report";
  /** A binary frame: `"close"` (default) closes with 1003; `"parse"` reads it as UTF-8 JSON. */
  binary?: "close" | "parse";
  /** Deepest nesting accepted; deeper is treated as invalid. Default 64. */
  maxDepth?: number;
}

/** Why a message was refused, as the client is told (short enough for a close reason). */
class Invalid extends Error {
  constructor(
    readonly closeCode: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Parses each message as JSON: the handler's receiver yields values, not strings. Bad input
 * closes the connection (1007, or 1003 for binary) unless `onInvalid: "report"` asks to answer
 * it and carry on. Nesting is bounded, and parsing never runs `__proto__` setters.
 *
 * @example
 * compose(json(), validate(ClientMessage))(async function* (scope, receiver) {
 *   for await (const message of receiver) yield sendJson({ echo: message });
 * });
 */
export function json(options: JsonOptions = {}): Middleware<object, Message, Json> {
  checkOptions("json()", options, jsonChecks);
  const { onInvalid = "close", binary = "close", maxDepth = 64 } = options;
  const decoder = new TextDecoder("utf-8", { fatal: true });

  const parse = (message: Message): Json => {
    let text: string;
    if (typeof message === "string") text = message;
    else if (!(message instanceof Uint8Array)) throw notAMessage(message);
    else if (binary === "close") throw new Invalid(1003, "binary messages are not accepted");
    else {
      try {
        text = decoder.decode(message);
      } catch {
        throw new Invalid(1007, "invalid UTF-8");
      }
    }
    let value: Json;
    try {
      value = JSON.parse(text) as Json;
    } catch {
      throw new Invalid(1007, "invalid JSON");
    }
    // Each level takes two characters, so short texts cannot be too deep: skip the walk.
    if (text.length > 2 * maxDepth && depthExceeds(value, maxDepth)) {
      throw new Invalid(1007, `JSON nested deeper than ${maxDepth} levels`);
    }
    return value;
  };

  const middleware: Middleware<object, Message, Json> = (next) => {
    if (onInvalid === "close") {
      return function parseJson(scope, receiver) {
        return next(
          scope,
          mapReceiver(receiver, (message) => {
            try {
              return parse(message);
            } catch (error) {
              if (error instanceof Invalid) throw new CloseError(error.closeCode, error.message);
              throw error;
            }
          }),
        );
      };
    }
    return function parseJsonReporting(scope, receiver) {
      const parsed = mapReceiver(receiver, (message) => {
        try {
          return parse(message);
        } catch (error) {
          if (!(error instanceof Invalid)) throw error;
          // Called once a message arrives, by which time `stream` exists.
          stream.push(sendJson({ type: "error", error: error.message }));
          return SKIP;
        }
      });
      const stream = interject(next(scope, parsed));
      return stream.events;
    };
  };
  return describe(middleware, { name: "json()", readsRaw: true, parses: true });
}

const jsonChecks = {
  onInvalid: oneOf("close", "report"),
  binary: oneOf("close", "parse"),
  maxDepth: optionChecks.positiveInteger,
};

/** What a json() handed something else than a client message throws: the chain is out of order. */
function notAMessage(value: unknown): TypeError {
  return new TypeError(
    `json() was handed a ${typeof value}, not a client message: a middleware before it parses messages ` +
      "already; json() comes first, as in compose(json(), validate(schema))",
  );
}

/** Whether `value` nests deeper than `limit`, found without recursion (so depth cannot overflow the stack). */
function depthExceeds(value: Json, limit: number): boolean {
  const stack: [Json, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop() as [Json, number];
    if (typeof node !== "object" || node === null) continue;
    if (depth > limit) return true;
    for (const child of Array.isArray(node) ? node : Object.values(node)) {
      if (typeof child === "object" && child !== null) stack.push([child, depth + 1]);
    }
  }
  return false;
}
