import type { Event, Middleware } from "@scallion/core";
import { decodeSince, SINCE_PARAM } from "@scallion/core/since";
import { mapEvents } from "./_map-events.js";

/**
 * Resumes topics with history where the client left off: reads the `since` query parameter that
 * `@scallion/client` sets when it reconnects (docs/scaling.md, "The client and the since
 * parameter") and makes the handler's own `subscribe(topic)` of each topic named there a
 * `subscribe(topic, { since })`, so the client gets what it missed, then the live messages, or
 * is told "not recovered". The client can subscribe itself to nothing: a topic the handler does
 * not subscribe to is ignored, and so is a subscribe that already has `since`. Each position is
 * used once per connection (a later subscribe to the same topic starts from where the topic
 * stands). A missing or malformed `since` (too long, more than 64 topics, not in the format) is
 * ignored whole: the connection goes on as a first one, and the client reports "not recovered".
 * Without `since` it adds nothing to the handler; with it, one layer over the events the handler
 * yields (published messages go to the socket without passing through it).
 *
 * @example
 * const app = compose(resume(), json())(async function* (scope, receiver) {
 *   yield subscribe(`room:${scope.query.room}`); // "recovered" after a reconnect the history covers
 *   for await (const message of receiver) yield publish(`room:${scope.query.room}`, JSON.stringify(message));
 * });
 */
export function resume(): Middleware {
  return (next) =>
    function resume(scope, receiver) {
      const positions = decodeSince(scope.query[SINCE_PARAM]);
      if (positions === undefined) return next(scope, receiver);
      return mapEvents(next(scope, receiver), (event: Event) => {
        if (event.type !== "websocket.subscribe" || event.since !== undefined) return event;
        const since = positions.get(event.topic);
        if (since === undefined) return event;
        positions.delete(event.topic);
        return { ...event, since };
      });
    };
}
