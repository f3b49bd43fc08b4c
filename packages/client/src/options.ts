import type { BackoffOptions } from "./backoff.js";
import { ClientError } from "./errors.js";
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
  /** The `WebSocket` class to use instead of the platform's (or, in Node without one, `ws`'s). */
  WebSocket?: WebSocketConstructor;
}

type Check = (value: unknown) => boolean;
const duration: Check = (v) => typeof v === "number" && v > 0 && v < Infinity;
const count: Check = (v) => Number.isInteger(v) && (v as number) >= 0;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null;
const optional = (check: Check): Check => (v) => v === undefined || check(v);

const reconnectChecks: Record<string, [Check, string]> = {
  min: [duration, "a positive number of ms"],
  max: [duration, "a positive number of ms"],
  factor: [(v) => typeof v === "number" && v >= 1 && v < Infinity, "a number ≥ 1"],
  maxAttempts: [(v) => v === Infinity || count(v), "a whole number or Infinity"],
  stopOn: [(v) => Array.isArray(v) && v.every(Number.isInteger), "an array of close codes"],
  resetAfter: [(v) => typeof v === "number" && v >= 0, "a number of ms"],
};

const checks: Record<string, [Check, string]> = {
  base: [(v) => typeof v === "string", "a string"],
  protocols: [(v) => typeof v === "string" || (Array.isArray(v) && v.every((p) => typeof p === "string")), "a string or strings"],
  headers: [isObject, "an object"],
  incoming: [(v) => isObject(v) && typeof v.safeParse === "function", "a schema with safeParse"],
  outgoing: [(v) => isObject(v) && typeof v.safeParse === "function", "a schema with safeParse"],
  reconnect: [(v) => typeof v === "boolean" || (isObject(v) && checkAll("reconnect.", v, reconnectChecks)), "a boolean or object"],
  maxQueue: [count, "a whole number"],
  connectTimeout: [duration, "a positive number of ms"],
  idleTimeout: [duration, "a positive number of ms"],
  ping: [
    (v) =>
      isObject(v) &&
      (typeof v.message === "string" || typeof v.message === "function") &&
      optional(duration)(v.interval) &&
      (v.pong === undefined || typeof v.pong === "string" || typeof v.pong === "function"),
    "{ message, interval?, pong? }",
  ],
  WebSocket: [(v) => typeof v === "function", "a WebSocket class"],
};

function checkAll(prefix: string, options: Record<string, unknown>, table: Record<string, [Check, string]>): true {
  for (const [name, value] of Object.entries(options)) {
    const entry = table[name];
    if (entry === undefined) throw new ClientError("SCALLION_INVALID_OPTION", `createClient(): unknown option "${prefix}${name}"`);
    if (value !== undefined && !entry[0](value)) {
      throw new ClientError("SCALLION_INVALID_OPTION", `createClient(): option "${prefix}${name}" must be ${entry[1]}`);
    }
  }
  return true;
}

/** Throws a `SCALLION_INVALID_OPTION` {@link ClientError} naming the first option it cannot use. */
export function checkClientOptions(options: object): void {
  checkAll("", options as Record<string, unknown>, checks);
}
