import type { Event, Outcome } from "@scallion/core";

/** An event stream with a side queue whose events go out as soon as they are pushed. */
export interface Interjected {
  readonly events: AsyncIterable<Event, unknown, Outcome>;
  push(event: Event): void;
}

type Settled = IteratorResult<Event, unknown> | { readonly error: unknown };

/**
 * Yields what `inner` yields and, in between, what is pushed to the side queue — even while
 * `inner` is still working on its next event (waiting for a message, say). Outcomes go back to
 * whichever produced the event. One `inner.next()` is in flight at a time and each wait
 * settles once, so nothing accumulates while `inner` waits.
 */
export function interject(inner: AsyncIterable<Event, unknown, Outcome>): Interjected {
  const side: Event[] = [];
  let wake: (() => void) | undefined;
  const events: AsyncIterable<Event, unknown, Outcome> = {
    [Symbol.asyncIterator]() {
      const iterator = inner[Symbol.asyncIterator]();
      let pending: Promise<void> | undefined;
      let settled: Settled | undefined;
      let owedOutcome = false;
      const pull = (outcome: Outcome | undefined): void => {
        const next = outcome === undefined ? iterator.next() : iterator.next(outcome);
        pending = next.then(
          (result) => void (settled = result),
          (error: unknown) => void (settled = { error }),
        );
        void pending.then(() => wake?.());
      };
      return {
        async next(outcome?: Outcome) {
          // The outcome of an inner event is owed to inner; that of a side event is not.
          if (pending === undefined && settled === undefined) pull(owedOutcome ? outcome : undefined);
          for (;;) {
            if (side.length > 0) {
              owedOutcome = false;
              return { done: false, value: side.shift() as Event };
            }
            if (settled !== undefined) {
              const result = settled;
              settled = undefined;
              pending = undefined;
              if ("error" in result) throw result.error;
              owedOutcome = !result.done;
              return result;
            }
            await new Promise<void>((resolve) => (wake = resolve));
            wake = undefined;
          }
        },
        async return(value?: unknown) {
          return (await iterator.return?.(value)) ?? { done: true, value };
        },
        async throw(error?: unknown) {
          if (iterator.throw === undefined) throw error;
          return iterator.throw(error);
        },
      };
    },
  };
  return {
    events,
    push(event) {
      side.push(event);
      wake?.();
    },
  };
}
