import type { Event, Message, Outcome } from "./events.js";
import type { Scope } from "./scope.js";

/**
 * A connection handler: reads the client's messages from `receiver` and yields events for the
 * runtime to carry out. Each `yield` evaluates to the event's {@link Outcome}.
 *
 * @example
 * const echo: Handler = async function* (scope, receiver) {
 *   for await (const message of receiver) yield send(message);
 * };
 */
export type Handler<S extends Scope = Scope, In = Message> = (
  scope: S,
  receiver: AsyncIterable<In>,
) => AsyncIterable<Event, unknown, Outcome>;

/** The message types of a middleware that passes messages on as they came, whatever they are. */
declare const _through: unique symbol;
export type Through = typeof _through;

/**
 * A function from handler to handler, typed in one line: it hands its `next` a scope with `Adds`
 * added, and reads messages of type `In` from its receiver to hand on as `Out`, or with `In` left
 * as {@link Through} passes on whatever it is given. `Needs` is what it requires of the scope.
 * The shipped middleware are all of this type: `json()` is `Middleware<object, Message, Json>`,
 * `auth()` a `Middleware<{ readonly user: User }>`, `origin()` a plain `Middleware`.
 *
 * @example
 * const tenant: Middleware<{ readonly tenant: string }> = (next) =>
 *   function tenant(scope, receiver) {
 *     return next(extendScope(scope, { tenant: scope.headers["x-tenant"] ?? "public" }), receiver);
 *   };
 */
export type Middleware<Adds extends object = object, In = Through, Out = In, Needs extends Scope = Scope> = [In] extends [Through]
  ? <S extends Needs, M>(next: Handler<S & Adds, M>) => Handler<S, M>
  : <S extends Needs>(next: Handler<S & Adds, Out>) => Handler<S, In>;
