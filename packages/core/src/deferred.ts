import type { Event, Outcome } from "./events.js";

type Events = AsyncIterable<Event, unknown, Outcome>;

/** What an asynchronous decision settles to; at least one of the two. */
export interface Deferral {
  /** Yielded first: an accept, or a refusal (reject, close), after which the stream ends unless `rest` is given. */
  readonly event?: Event;
  /** The handler to run once the decision is made (after `event`, if any). */
  readonly rest?: () => Events;
}

/**
 * An event stream whose first `next()` waits for `decide`: how middleware makes an asynchronous
 * check before its handler runs (`onConnect`, an async `verify`). After the decision every
 * `next()` goes straight to the handler's iterator, so the wait costs one synchronous call per
 * message, not a generator layer. Returned while deciding (the client left), the stream ends and
 * the handler never starts.
 */
export function deferred(decide: () => Promise<Deferral>): Events {
  return {
    [Symbol.asyncIterator]() {
      let inner: AsyncIterator<Event, unknown, Outcome> | undefined;
      let rest: (() => Events) | undefined;
      let finished = false;
      return {
        next(outcome?: Outcome) {
          if (inner !== undefined) return outcome === undefined ? inner.next() : inner.next(outcome);
          if (finished) return Promise.resolve(done());
          if (rest !== undefined) {
            inner = rest()[Symbol.asyncIterator]();
            rest = undefined;
            return inner.next();
          }
          return decide().then((decision) => {
            if (finished) return done();
            if (decision.event !== undefined) {
              rest = decision.rest;
              finished = rest === undefined;
              return { done: false, value: decision.event };
            }
            if (decision.rest === undefined) throw new TypeError("deferred(): a decision needs an event or a rest");
            inner = decision.rest()[Symbol.asyncIterator]();
            return inner.next();
          });
        },
        async return(value?: unknown) {
          finished = true;
          rest = undefined;
          return (await inner?.return?.(value)) ?? done(value);
        },
        async throw(error?: unknown) {
          if (inner?.throw !== undefined) return inner.throw(error);
          finished = true;
          rest = undefined;
          throw error;
        },
      };
    },
  };
}

/** The end of an event stream. Module-level, so no iterator makes a function of its own for it. */
function done(value?: unknown): IteratorResult<Event, unknown> {
  return { done: true, value };
}
