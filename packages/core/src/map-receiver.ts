import { isConnectionReceiver, Receiver } from "./receiver.js";
import type { Mapper } from "./skip.js";
import { SKIP } from "./skip.js";

export { SKIP } from "./skip.js";

/**
 * A receiver whose messages pass through `map` on their way to the handler: how middleware such
 * as `json()` and `validate()` parse and check what arrives. `map` may return {@link SKIP} to
 * drop a message, or throw (a `CloseError`, say) to end the connection. Mapping a mapped
 * receiver composes the functions, so a chain of mappers costs one step per message, not one
 * async layer each; and a mapped connection receiver is still the connection's: `merge()` ends
 * when it ends, and a push-only handler's messages are discarded at its source.
 */
export function mapReceiver<A, B>(receiver: AsyncIterable<A>, map: Mapper<A, B>): AsyncIterable<B> {
  if (!(receiver instanceof MappedReceiver)) return new MappedReceiver(receiver, map as Mapper<unknown, B>);
  const first = (receiver as MappedReceiver<A>).map;
  return new MappedReceiver((receiver as MappedReceiver<A>).source, (value: unknown) => {
    const middle = first(value);
    return middle === SKIP ? SKIP : map(middle);
  });
}

/**
 * What {@link mapReceiver} returns: the source it reads and the one function it maps with. Over a
 * connection's receiver it is a `ConnectionReceiver` too.
 */
class MappedReceiver<B> implements AsyncIterable<B> {
  readonly source: AsyncIterable<unknown>;
  readonly map: Mapper<unknown, B>;

  constructor(source: AsyncIterable<unknown>, map: Mapper<unknown, B>) {
    this.source = source;
    this.map = map;
  }

  get connection(): boolean {
    return isConnectionReceiver(this.source);
  }

  discard(): void {
    if (isConnectionReceiver(this.source)) this.source.discard();
  }

  [Symbol.asyncIterator](): AsyncIterator<B> {
    return new MappedIterator(this.source[Symbol.asyncIterator](), this.map);
  }
}

/**
 * The iterator of a mapped receiver. A class rather than closures: one object per connection,
 * and under tsx (esbuild's keepNames) no function that gets a `name` defined on it. Over the
 * runtime's own receiver it has the receiver map each message as it hands it over
 * (`nextMapped`): no promise and no step of its own per message.
 */
class MappedIterator<A, B> implements AsyncIterator<B> {
  readonly #iterator: AsyncIterator<A>;
  readonly #map: Mapper<A, B>;
  readonly #step: (result: IteratorResult<A>) => IteratorResult<B> | Promise<IteratorResult<B>>;

  constructor(iterator: AsyncIterator<A>, map: Mapper<A, B>) {
    this.#iterator = iterator;
    this.#map = map;
    this.#step = (result) => {
      if (result.done) return result;
      const value = this.#map(result.value);
      return value === SKIP ? this.#iterator.next().then(this.#step) : { done: false, value };
    };
  }

  next(): Promise<IteratorResult<B>> {
    const iterator = this.#iterator;
    if (iterator instanceof Receiver) return iterator.nextMapped(this.#map as Mapper<unknown, B>);
    return iterator.next().then(this.#step);
  }

  async return(value?: unknown): Promise<IteratorResult<B>> {
    await this.#iterator.return?.();
    return { done: true, value };
  }
}
