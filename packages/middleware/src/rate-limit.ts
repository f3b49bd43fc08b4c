import type { Middleware } from "@scallion/core";
import { CloseError, extendScope, lifecycleOf, mapReceiver, OptionError, reject, SKIP } from "@scallion/core";
import { checkOptions, oneOf, optionChecks } from "@scallion/core/options";
import type { MakeBudget } from "./_budget.js";
import { AddressBudgets, Bucket, Leftovers } from "./_budget.js";
import { respond } from "./_respond.js";

/** Options of {@link rateLimit}. */
export interface RateLimitOptions {
  /** Messages a connection may send per `per` milliseconds, on average. */
  messages?: number;
  /**
   * Bytes a connection may send per `per` milliseconds, on average: the UTF-8 length of text
   * messages, the length of binary ones. Counts raw messages, so put `rateLimit()` before `json()`.
   */
  bytes?: number;
  /** The window of `messages` and `bytes`, in milliseconds. Default 1000. */
  per?: number;
  /** Messages a connection may send at once before the rate applies. Default `messages`. */
  burst?: number;
  /**
   * Bytes a connection may send at once before the rate applies. Default `bytes`. A message larger
   * than this never fits: keep it at least the server's `maxPayload`.
   */
  burstBytes?: number;
  /**
   * Whose budget a message is charged to: its connection's (default; a new connection starts with
   * no more than the last closed one from its address left, so reconnecting buys no new burst),
   * or its address's (`scope.address`), shared by every connection from there and kept after they
   * close until it has refilled.
   */
  by?: "connection" | "address";
  /** Over the limit: `"close"` (default) closes with 1008; `"drop"` drops and counts the message. */
  onExceed?: "close" | "drop";
  /** Open connections allowed per client address (`scope.address`); one more is refused with 429. */
  maxConnectionsPerIp?: number;
}

const rateLimitChecks = {
  messages: optionChecks.positiveNumber,
  bytes: optionChecks.positiveNumber,
  per: optionChecks.positiveNumber,
  burst: optionChecks.positiveNumber,
  burstBytes: optionChecks.positiveNumber,
  by: oneOf("connection", "address"),
  onExceed: oneOf("close", "drop"),
  maxConnectionsPerIp: optionChecks.positiveNumber,
};

/** What `rateLimit()` adds to the scope: messages it dropped on this connection so far. */
export interface RateLimitState {
  readonly dropped: number;
}

/** The size a byte budget charges for a message; only raw messages have one. */
function sizeOf(message: unknown): number {
  if (typeof message === "string") return Buffer.byteLength(message, "utf8");
  if (ArrayBuffer.isView(message)) return message.byteLength;
  throw new TypeError("rateLimit(): bytes counts raw (string or binary) messages; put rateLimit() before json()");
}

/**
 * Stops abuse at the door: token buckets per connection (or per address) for messages and for
 * bytes (1008, or drop, when a message finds one empty) and, at the handshake, a cap on
 * connections per address (429). Behind a proxy, set `trustProxy` on the server so `scope.address` is the client's.
 *
 * @example
 * compose(rateLimit({ messages: 20, bytes: 64 * 1024, per: 1000, burst: 40, maxConnectionsPerIp: 10 }), json())(chat);
 */
export function rateLimit(options: RateLimitOptions): Middleware<{ readonly rateLimit: RateLimitState }> {
  if (options === undefined) throw new TypeError("rateLimit(): options must be an object");
  checkOptions("rateLimit()", options, rateLimitChecks);
  const { messages, bytes, per = 1000, by = "connection", onExceed = "close", maxConnectionsPerIp } = options;
  if (messages === undefined && bytes === undefined && maxConnectionsPerIp === undefined) {
    throw new OptionError("rateLimit()", "messages", "or bytes or maxConnectionsPerIp must be given");
  }
  if (options.burst !== undefined && messages === undefined) throw new OptionError("rateLimit()", "burst", "needs messages");
  if (options.burstBytes !== undefined && bytes === undefined) throw new OptionError("rateLimit()", "burstBytes", "needs bytes");
  if (options.by !== undefined && messages === undefined && bytes === undefined) throw new OptionError("rateLimit()", "by", "needs messages or bytes");
  const burst = options.burst ?? messages;
  const burstBytes = options.burstBytes ?? bytes;
  const budget: MakeBudget = (levels = {}) => ({
    count: messages === undefined ? undefined : new Bucket(burst as number, messages / per, levels.count),
    size: bytes === undefined ? undefined : new Bucket(burstBytes as number, bytes / per, levels.size),
  });
  const budgets = messages === undefined && bytes === undefined ? undefined : by === "address" ? new AddressBudgets(budget) : new Leftovers(budget);
  const open = new Map<string, number>();

  return (next) =>
    function limitRate(scope, receiver) {
      if (maxConnectionsPerIp !== undefined) {
        const count = open.get(scope.address) ?? 0;
        if (count >= maxConnectionsPerIp) return respond(reject(429, "Too many connections from this address"));
        lifecycleOf(scope).add({
          close: () => {
            const left = (open.get(scope.address) ?? 1) - 1;
            if (left > 0) open.set(scope.address, left);
            else open.delete(scope.address);
          },
        });
        open.set(scope.address, count + 1);
      }
      const state = { dropped: 0 };
      if (budgets === undefined) return next(extendScope(scope, { rateLimit: state }), receiver);
      const own = budgets.start(scope.address);
      lifecycleOf(scope).add({ close: () => budgets.end(scope.address, own) });
      const { count, size } = own;
      const exceeded = (reason: string): typeof SKIP => {
        if (onExceed === "close") throw new CloseError(1008, reason);
        state.dropped++;
        return SKIP;
      };
      const limited = mapReceiver(receiver, (message) => {
        const now = Date.now();
        if (count !== undefined && count.level(now) < 1) return exceeded("rate limit exceeded");
        const n = size === undefined ? 0 : sizeOf(message);
        if (size !== undefined && size.level(now) < n) return exceeded("byte rate limit exceeded");
        // Charged only once both let it through: a refused message costs nothing.
        count?.spend(1);
        size?.spend(n);
        return message;
      });
      return next(extendScope(scope, { rateLimit: state }), limited);
    };
}
