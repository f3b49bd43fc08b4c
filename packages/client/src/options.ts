import type { OptionCheck } from "@scallion/core/options";
import { checkOptions, optionChecks } from "@scallion/core/options";
import type { BackoffOptions } from "./backoff.js";
import type { Schema } from "./schema.js";
import type { WebSocketConstructor } from "./websocket.js";

/** Close codes after which the client does not reconnect: policy violation, unauthorised, forbidden. */
export const DEFAULT_STOP_CODES: readonly number[] = [1008, 4401, 4403];

/** How and whether to reconnect; see {@link ClientOptions.reconnect}. */
export interface ReconnectOptions extends BackoffOptions {
  /** Give up (state `closed`) after this many failed attempts in a row. Default Infinity. */
  maxAttempts?: number;
  /** Close codes that mean "do not retry". Default {@link DEFAULT_STOP_CODES}. */
  stopOn?: readonly number[];
  /**
   * A connection must stay open this long (ms) before the backoff starts again from `min`, so a
   * server that accepts and drops at once is retried ever more slowly. Default 5 000.
   */
  resetAfter?: number;
}

/** An application-level heartbeat; see {@link ClientOptions.ping}. */
export interface PingOptions {
  /** What to send, as a raw text frame (not through `outgoing`). */
  message: string | (() => string);
  /** Send it after this long (ms) without a message from the server. Default half of `idleTimeout`, or 25 000. */
  interval?: number;
  /** The server's reply: a frame equal to this string, or for which this returns true, is not delivered. */
  pong?: string | ((message: string | Uint8Array) => boolean);
}

/** Options of `createClient`. */
export interface ClientOptions<I extends Schema | undefined = undefined, O extends Schema | undefined = undefined> {
  /** Path prefix (`"/ws"`) or absolute base URL for paths; see `resolveUrl`. */
  base?: string;
  /** Subprotocols to offer. */
  protocols?: string | string[];
  /** Request headers; Node only (browsers cannot set them), and they make Node use `ws`. */
  headers?: Record<string, string>;
  /** Schema of the server's messages: each text frame is parsed as JSON and checked with it. */
  incoming?: I;
  /** Schema of the client's messages: `send` takes only what it accepts, and sends it as JSON. */
  outgoing?: O;
  /** Reconnect with backoff after the connection drops (default), or not (`false`). */
  reconnect?: boolean | ReconnectOptions;
  /** Messages that may wait while disconnected; one more makes `send` throw. 0 disables queueing. Default 100. */
  maxQueue?: number;
  /** Give up on a connection attempt after this long (ms) and retry. Default 10 000. */
  connectTimeout?: number;
  /**
   * Consider the connection dead after this long (ms) without a message from the server, drop it
   * and reconnect. Browsers hide WebSocket pings, so with a quiet server pair it with `ping`.
   * Default: off.
   */
  idleTimeout?: number;
  /** Send an application ping when the server has been quiet, so that it answers. Default: off. */
  ping?: PingOptions;
  /**
   * On topics with history, send the last position seen on each back when reconnecting (the
   * `since` query parameter), so that what was missed meanwhile is replayed; see the `resume`
   * event. Their frames are unwrapped and duplicates dropped either way. Default true.
   */
  resume?: boolean;
  /** The `WebSocket` class to use instead of the platform's (or, in Node without one, `ws`'s). */
  WebSocket?: WebSocketConstructor;
}

const duration = (v: unknown) => (typeof v === "number" && v > 0 && v < Infinity ? undefined : "a positive number of ms");
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null;
const schema = (v: unknown) => (isObject(v) && typeof v.safeParse === "function" ? undefined : "a schema with safeParse");

const reconnectChecks: Record<string, OptionCheck> = {
  min: duration,
  max: duration,
  factor: (v) => (typeof v === "number" && v >= 1 && v < Infinity ? undefined : "a number ≥ 1"),
  maxAttempts: (v) => (v === Infinity || optionChecks.wholeNumber(v) === undefined ? undefined : "a whole number or Infinity"),
  stopOn: (v) => (Array.isArray(v) && v.every(Number.isInteger) ? undefined : "an array of close codes"),
  resetAfter: (v) => (typeof v === "number" && v >= 0 ? undefined : "a number of ms"),
};

const checks: Record<string, OptionCheck> = {
  base: (v) => (typeof v === "string" ? undefined : "a string"),
  protocols: (v) =>
    typeof v === "string" || (Array.isArray(v) && v.every((p) => typeof p === "string")) ? undefined : "a string or strings",
  headers: optionChecks.object,
  incoming: schema,
  outgoing: schema,
  reconnect: (v) => {
    if (typeof v === "boolean") return undefined;
    if (!isObject(v)) return "a boolean or an object";
    checkOptions("createClient()", v, reconnectChecks, "reconnect.");
    return undefined;
  },
  maxQueue: optionChecks.wholeNumber,
  connectTimeout: duration,
  idleTimeout: duration,
  ping: (v) =>
    isObject(v) &&
    (typeof v.message === "string" || typeof v.message === "function") &&
    (v.interval === undefined || duration(v.interval) === undefined) &&
    (v.pong === undefined || typeof v.pong === "string" || typeof v.pong === "function")
      ? undefined
      : "{ message, interval?, pong? }",
  resume: optionChecks.boolean,
  WebSocket: optionChecks.function,
};

/** Throws an `OptionError` (code `SCALLION_INVALID_OPTION`) naming the first option it cannot use. */
export function checkClientOptions(options: object): void {
  checkOptions("createClient()", options, checks);
}
