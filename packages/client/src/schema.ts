import type { Message } from "./websocket.js";

/** What `safeParse` returns: zod's result, or anything shaped like it. */
export type SafeParseResult<T> = { success: true; data: T } | { success: false; error: unknown };

/**
 * A message schema: any object with a zod-style `safeParse`. A zod schema is one; nothing here
 * imports zod, so the client carries none unless the app passes a schema in.
 */
export interface Schema<T = unknown> {
  safeParse(data: unknown): SafeParseResult<T>;
}

/** The type a schema accepts, like `z.infer`. */
export type Infer<S> = S extends { safeParse(data: unknown): infer R }
  ? Extract<R, { success: true }> extends { data: infer T }
    ? T
    : never
  : never;

/**
 * A schema that accepts any JSON value, typed as `T` without checking it: for a client that wants
 * parsed JSON but has no schema to validate with.
 *
 * @example
 * const client = createClient("/feed", { incoming: json<{ price: number }>() });
 */
export function json<T = unknown>(): Schema<T> {
  return { safeParse: (data) => ({ success: true, data: data as T }) };
}

/** What a client receives: the `incoming` schema's type, or raw {@link Message}s without one. */
export type Incoming<I> = I extends Schema ? Infer<I> : Message;

/** What a client sends: the `outgoing` schema's type, or `never` (raw text and bytes) without one. */
export type Outgoing<O> = O extends Schema ? Infer<O> : never;

/** Why a received message was not delivered, for the `SCALLION_INVALID_MESSAGE` error. */
export interface Refused {
  readonly refused: string;
  readonly cause: unknown;
  readonly data: unknown;
}

/** A received `message` as JSON checked by `schema`: the value, or why not. */
export function parseIncoming(schema: Schema, message: Message): { value: unknown } | Refused {
  let value: unknown;
  try {
    if (typeof message !== "string") throw new TypeError("a binary message where JSON text was expected");
    value = JSON.parse(message);
  } catch (error) {
    return { refused: "a message that is not JSON", cause: error, data: message };
  }
  const result = schema.safeParse(value);
  return result.success ? { value: result.data } : { refused: "a message the incoming schema refused", cause: result.error, data: value };
}
