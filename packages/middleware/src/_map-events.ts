import type { Event, Outcome } from "@scallion/core";

type Events = AsyncIterable<Event, unknown, Outcome>;

/**
 * `inner`'s events, each through `map`. Outcomes, `return()` and `throw()` go straight to
 * `inner`, so a wrapped handler behaves as it would unwrapped: what its `finally` blocks yield
 * after the connection ended (a leave notice, say) is still carried out.
 */
export function mapEvents(inner: Events, map: (event: Event) => Event): Events {
  return {
    [Symbol.asyncIterator]() {
      const iterator = inner[Symbol.asyncIterator]();
      const mapped = async (result: Promise<IteratorResult<Event, unknown>>): Promise<IteratorResult<Event, unknown>> => {
        const settled = await result;
        return settled.done === true ? settled : { done: false, value: map(settled.value) };
      };
      return {
        next: (...outcome: [] | [Outcome]) => mapped(iterator.next(...outcome)),
        return: (value?: unknown) => (iterator.return ? mapped(iterator.return(value)) : Promise.resolve({ done: true, value })),
        throw: (error?: unknown) => (iterator.throw ? mapped(iterator.throw(error)) : Promise.reject(error as Error)),
      };
    },
  };
}
