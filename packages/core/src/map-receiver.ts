import { kReceiver } from "./receiver.js";

/** Returned by a {@link mapReceiver} function to leave a message out. */
export const SKIP: unique symbol = Symbol.for("scallion.skip");

type Mapper<A, B> = (value: A) => B | typeof SKIP;

/** Where a mapped receiver came from, so mapping it again fuses the functions instead of stacking. */
const kMapped = Symbol("scallion.mapped");

interface Mapped<B> extends AsyncIterable<B> {
  readonly [kMapped]: { readonly source: AsyncIterable<unknown>; readonly map: Mapper<unknown, B> };
}

/**
 * A receiver whose messages pass through `map` on their way to the handler: how middleware such
 * as `json()` and `validate()` parse and check what arrives. `map` may return {@link SKIP} to
 * drop a message, or throw (a `CloseError`, say) to end the connection. Mapping a mapped
 * receiver composes the functions, so a chain of mappers costs one step per message, not one
 * async layer each; and a mapped connection receiver still ends `merge()` when it ends.
 */
export function mapReceiver<A, B>(receiver: AsyncIterable<A>, map: Mapper<A, B>): AsyncIterable<B> {
  const inner = (receiver as Partial<Mapped<A>>)[kMapped];
  if (inner !== undefined) {
    const first = inner.map;
    return mapReceiver(inner.source, (value: unknown) => {
      const middle = first(value);
      return middle === SKIP ? SKIP : map(middle);
    });
  }
  const mapped = {
    [kMapped]: { source: receiver, map },
    [Symbol.asyncIterator](): AsyncIterator<B> {
      return new MappedIterator(receiver[Symbol.asyncIterator](), map);
    },
  };
  if (kReceiver in receiver) Object.defineProperty(mapped, kReceiver, { value: true });
  return mapped;
}

/**
 * The iterator of a mapped receiver. A class rather than closures: one object per connection,
 * and under tsx (esbuild's keepNames) no function that gets a `name` defined on it.
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
    return this.#iterator.next().then(this.#step);
  }

  async return(value?: unknown): Promise<IteratorResult<B>> {
    await this.#iterator.return?.();
    return { done: true, value };
  }
}
