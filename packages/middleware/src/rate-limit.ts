import type { Middleware } from "@scallion/core";
import { CloseError, extendScope, lifecycleOf, mapReceiver, OptionError, reject, SKIP } from "@scallion/core";
import { checkOptions, oneOf, optionChecks } from "@scallion/core/options";
import { respond } from "./_respond.js";

/** Options of {@link rateLimit}. */
export interface RateLimitOptions {
  /** Messages a connection may send per `per` milliseconds, on average. */
  messages?: number;
  /** The window of `messages`, in milliseconds. Default 1000. */
  per?: number;
  /** Messages a connection may send at once before the rate applies. Default `messages`. */
  burst?: number;
  /** Over the limit: `"close"` (default) closes with 1008; `"drop"` drops and counts the message. */
  onExceed?: "close" | "drop";
  /** Open connections allowed per client address (`scope.address`); one more is refused with 429. */
  maxConnectionsPerIp?: number;
}

const rateLimitChecks = {
  messages: optionChecks.positiveNumber,
  per: optionChecks.positiveNumber,
  burst: optionChecks.positiveNumber,
  onExceed: oneOf("close", "drop"),
  maxConnectionsPerIp: optionChecks.positiveNumber,
};

/** What `rateLimit()` adds to the scope: messages it dropped on this connection so far. */
export interface RateLimitState {
  readonly dropped: number;
}

/**
 * Stops abuse at the door: a token bucket per connection for messages (1008 or drop when it is
 * empty) and, at the handshake, a cap on connections per address (429). Behind a proxy, set
 * `trustProxy` on the server so `scope.address` is the client's.
 *
 * @example
 * compose(rateLimit({ messages: 20, per: 1000, burst: 40, maxConnectionsPerIp: 10 }), json())(chat);
 */
export function rateLimit(options: RateLimitOptions): Middleware<{ readonly rateLimit: RateLimitState }> {
  if (options === undefined) throw new TypeError("rateLimit(): options must be an object");
  checkOptions("rateLimit()", options, rateLimitChecks);
  const { messages, per = 1000, onExceed = "close", maxConnectionsPerIp } = options;
  const burst = options.burst ?? messages;
  if (messages === undefined && maxConnectionsPerIp === undefined) {
    throw new OptionError("rateLimit()", "messages", "or maxConnectionsPerIp must be given (or both)");
  }
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
      if (messages === undefined) return next(extendScope(scope, { rateLimit: state }), receiver);
      const capacity = burst as number;
      const refillPerMs = messages / per;
      let tokens = capacity;
      let last = Date.now();
      const limited = mapReceiver(receiver, (message) => {
        const now = Date.now();
        tokens = Math.min(capacity, tokens + (now - last) * refillPerMs);
        last = now;
        if (tokens >= 1) {
          tokens -= 1;
          return message;
        }
        if (onExceed === "close") throw new CloseError(1008, "rate limit exceeded");
        state.dropped++;
        return SKIP;
      });
      return next(extendScope(scope, { rateLimit: state }), limited);
    };
}
