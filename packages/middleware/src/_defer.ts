import type { Event, Outcome } from "@scallion/core";

type Events = AsyncIterable<Event, unknown, Outcome>;

/**
 * An iterable whose first `next()` awaits `decide`: an event (a refusal) is yielded alone, an
 * iterable is handed over to. After the hand-over, `next()` calls go straight to the inner
 * iterator, so an async decision costs one synchronous call per message, not a generator layer.
 */
export function deferred(decide: () => Promise<Event | Events>): Events {
  return {
    [Symbol.asyncIterator]() {
      let inner: AsyncIterator<Event, unknown, Outcome> | undefined;
      let finished = false;
      return {
        next(outcome?: Outcome) {
          if (inner !== undefined) return outcome === undefined ? inner.next() : inner.next(outcome);
          if (finished) return Promise.resolve(done());
          return decide().then((decision) => {
            // Returned while deciding (the client left): the handler must never start.
            if (finished) return done();
            if (!(Symbol.asyncIterator in decision)) {
              finished = true;
              return { done: false, value: decision };
            }
            inner = decision[Symbol.asyncIterator]();
            return inner.next();
          });
        },
        async return(value?: unknown) {
          finished = true;
          return (await inner?.return?.(value)) ?? done(value);
        },
        async throw(error?: unknown) {
          if (inner?.throw !== undefined) return inner.throw(error);
          finished = true;
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
