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

/**
 * A function from handler to handler. It may enrich the scope, decide the handshake before calling
 * `next`, map or filter the receiver, map the yielded events, or wrap the lifecycle.
 * `Outer` is the scope it receives, `Inner` the scope it hands to `next`.
 */
export type Middleware<
  Outer extends Scope = Scope,
  Inner extends Scope = Outer,
  OuterIn = Message,
  InnerIn = OuterIn,
> = (next: Handler<Inner, InnerIn>) => Handler<Outer, OuterIn>;
