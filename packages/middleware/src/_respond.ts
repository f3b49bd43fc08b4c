import type { Event, Outcome } from "@scallion/core";

/** A handler result that yields one event and ends: how middleware refuses a connection. */
export async function* respond(event: Event): AsyncGenerator<Event, void, Outcome> {
  yield event;
}
