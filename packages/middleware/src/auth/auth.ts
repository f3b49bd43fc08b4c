import type { Event, Middleware, Scope } from "@scallion/core";
import { close, deferred, extendScope, OptionError, reject } from "@scallion/core";
import { checkOptions, oneOf, optionChecks } from "@scallion/core/options";
import { respond } from "../_respond.js";
import type { Extractor } from "./extractors.js";
import { bearer } from "./extractors.js";

/** What `verify` returns for "not authenticated". */
export type Unauthenticated = undefined | null | false;

/** Verifies a credential: the user it belongs to, or `undefined`/`null`/`false`. May be async. */
export type Verify<C = string> = (credential: C, scope: Scope) => unknown;

/** The user type a `verify` function yields: its awaited return type, failures removed. */
export type UserOf<V extends (...args: never[]) => unknown> = Exclude<Awaited<ReturnType<V>>, Unauthenticated>;

/** Options of {@link auth}. */
export interface AuthOptions<V extends Verify> {
  /** Finds the user for a credential. A `verify` that throws counts as a failure, not a crash. */
  verify: V;
  /** Where credentials come from, tried in order; the first found is verified. Default `bearer()`. */
  from?: Extractor | readonly Extractor[];
  /**
   * How a failure is answered: `"reject"` (default) refuses the handshake with 401; `"close"`
   * upgrades and closes with 4401 at once, because page code cannot read a refused status.
   */
  failWith?: "reject" | "close";
}

/** The middleware type of {@link auth}: puts `user` on the scope for everything after it. */
export type AuthMiddleware<U> = Middleware<{ readonly user: U }>;

const authChecks = {
  verify: optionChecks.function,
  from: (v: unknown) =>
    typeof v === "function" || (Array.isArray(v) && v.length > 0 && v.every((e) => typeof e === "function"))
      ? undefined
      : "an extractor such as bearer(), or a non-empty list of them",
  failWith: oneOf("reject", "close"),
};

/**
 * Authenticates the upgrade request before the handler runs: a credential taken `from` the
 * request is checked with `verify`, whose result becomes `scope.user`, typed. No credential, a
 * malformed one, or a failed verify → `reject(401)` (or `close(4401)` with `failWith: "close"`).
 *
 * @example
 * const app = compose(
 *   auth({ from: [cookie("session", { secret }), bearer()], verify: (id) => users.get(id) }),
 * )(async function* (scope) {
 *   yield send(`hello ${scope.user.name}`);
 * });
 */
export function auth<V extends Verify>(options: AuthOptions<V>): AuthMiddleware<UserOf<V>> {
  checkOptions("auth()", options, authChecks);
  const { verify, from = bearer(), failWith = "reject" } = options;
  if (typeof verify !== "function") throw new OptionError("auth()", "verify", "must be a function");
  const extractors: readonly Extractor[] = typeof from === "function" ? [from] : from;
  const challenges = extractors.flatMap((e) => (e.challenge === undefined ? [] : [e.challenge]));
  const failure: Event =
    failWith === "close"
      ? close(4401, "unauthorized")
      : reject(401, "Unauthorized", challenges.length > 0 ? { "WWW-Authenticate": challenges.join(", ") } : undefined);

  return (next) =>
    function authenticate(scope, receiver) {
      let credential: string | undefined;
      for (const extract of extractors) if ((credential = extract(scope)) !== undefined) break;
      if (credential === undefined) return respond(failure);
      const proceed = (user: unknown) =>
        isUser(user) ? next(extendScope(scope, { user: user as UserOf<V> }), receiver) : respond(failure);
      let result: unknown;
      try {
        result = verify(credential, scope);
      } catch {
        return respond(failure);
      }
      // A synchronous verify adds nothing; an async one costs one call per message (see deferred).
      if (!isThenable(result)) return proceed(result);
      return deferred(() =>
        Promise.resolve(result).then(
          (user) => ({ rest: () => proceed(user) }),
          () => ({ event: failure }),
        ),
      );
    };
}

function isUser(value: unknown): boolean {
  return value !== undefined && value !== null && value !== false;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === "function";
}
