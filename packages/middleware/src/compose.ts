import type { Handler, Message, Scope } from "@scallion/core";
import { checkOrder, describeChain } from "./_message-kinds.js";

/** Any function from handler to handler, whatever scopes and message types it works with. */
export type AnyMiddleware = (next: AnyHandler) => AnyHandler;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyHandler<S extends Scope = any, In = any> = Handler<S, In>;

/** The scope a middleware hands to `next` (type parameters at their constraints). */
export type InnerScopeOf<M> = M extends (next: AnyHandler<infer S extends Scope>) => unknown ? S : never;

/** The message type a middleware reads from its own receiver; `unknown` for one that takes any. */
export type OuterMessageOf<M> = M extends (next: never) => (scope: never, receiver: AsyncIterable<infer In>) => unknown ? In : never;

/** The message type a middleware's `next` reads; `unknown` for middleware that passes any through. */
export type InnerMessageOf<M> = M extends (next: AnyHandler<Scope, infer In>) => unknown ? In : never;

/** The scope the handler of a chain sees: what every middleware of it adds, together. */
export type ChainScope<M extends readonly unknown[], Acc = unknown> = M extends readonly [infer Head, ...infer Tail]
  ? ChainScope<Tail, Acc & Added<InnerScopeOf<Head>>>
  : Acc;

/** What a middleware's inner scope adds: `params` only where it narrows them (a router's). */
type Added<Inner> = Inner extends Scope ? (Scope["params"] extends Inner["params"] ? Omit<Inner, "params"> : Inner) : Inner;

/** The message type the handler of a chain reads: the last one a middleware of it decided. */
export type ChainMessage<M extends readonly unknown[], Acc = Message> = M extends readonly [infer Head, ...infer Tail]
  ? ChainMessage<Tail, HandsOn<Head, Acc>>
  : Acc;

/** Middleware generic in the message type reads as `never` or `unknown` here: it keeps the type. */
type PassesThrough<In> = [In] extends [never] ? true : unknown extends In ? true : false;

/** What a middleware hands on when it is given messages of type `Current`. */
type HandsOn<M, Current> = PassesThrough<InnerMessageOf<M>> extends true ? Current : InnerMessageOf<M>;

/**
 * What `compose()` returns for a chain whose neighbours do not fit: the middleware at `position`
 * cannot read what the one before it hands on (say `json()` after `validate()`). It is no
 * function, so handing it a handler is a type error that shows this.
 */
export interface MiddlewareOrderError<Position extends number, Reads, Given> {
  readonly "compose(): the middleware at position": Position;
  readonly "reads messages of type": Reads;
  readonly "but is handed": Given;
}

/**
 * The first middleware of `M` that cannot read what reaches it (the client's `Message`, then
 * what each middleware hands on), as a {@link MiddlewareOrderError}; `never` when all fit.
 */
export type OrderProblem<M extends readonly unknown[], Current = Message, Seen extends unknown[] = []> = M extends readonly [
  infer Head,
  ...infer Tail,
]
  ? [Current] extends [OuterMessageOf<Head>]
    ? OrderProblem<Tail, HandsOn<Head, Current>, [...Seen, Head]>
    : MiddlewareOrderError<Seen["length"], OuterMessageOf<Head>, Current>
  : never;

type ComposeResult<M extends readonly unknown[]> = [OrderProblem<M>] extends [never]
  ? Composed<ChainScope<M>, ChainMessage<M>>
  : OrderProblem<M>;

/**
 * A composed chain: give it the handler, get a handler that runs the chain in front of it. It is
 * itself a middleware, and generic in the scope it is given, so a router's `params` reach the
 * handler through it. `S` comes from where the result goes (a route), never from the handler, so
 * a named handler function that asks only for what the chain adds fits anywhere.
 */
export type Composed<Add, In> = <S extends Scope = Scope>(handler: Handler<NoInfer<S> & Add, In>) => Handler<S, Message>;

/**
 * Chains middleware, outermost first: `compose(a, b, c)(handler)` is `a(b(c(handler)))`. The
 * handler's scope has what each middleware adds (`params`, `user`, …), with no casts. Neighbours
 * must fit: a middleware that reads raw messages after one that parses them (`json()` after
 * `validate()`) is a type error, and a `TypeError` naming both when types were bypassed.
 *
 * @example
 * const app = compose(
 *   origin({ allow: ["https://example.com"] }),
 *   auth({ verify: (token) => users.byToken(token) }),
 * )(async function* (scope, receiver) {
 *   yield send(`hello ${scope.user.name}`);
 * });
 */
export function compose<const M extends readonly AnyMiddleware[]>(
  ...middlewares: M
): ComposeResult<M> {
  middlewares.forEach((middleware, i) => {
    if (typeof middleware !== "function") {
      throw new TypeError(`compose(): middleware at position ${i} must be a function, got ${typeof middleware}`);
    }
  });
  const chain: AnyMiddleware[] = [...middlewares];
  checkOrder(chain);
  const composed: Composed<ChainScope<M>, ChainMessage<M>> = function composed(handler) {
    if (typeof handler !== "function") throw new TypeError(`compose(): handler must be a function, got ${typeof handler}`);
    let wrapped: AnyHandler = handler;
    for (let i = chain.length - 1; i >= 0; i--) wrapped = (chain[i] as AnyMiddleware)(wrapped);
    return wrapped;
  };
  // The order was checked above (and by the return type): this is the Composed branch.
  return describeChain(chain, composed) as unknown as ComposeResult<M>;
}
