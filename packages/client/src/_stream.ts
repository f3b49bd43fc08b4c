/**
 * An async iterator over values pushed into it, ended by `end()`. Values wait in memory until
 * read; the client's socket has no backpressure to apply, so this buffer cannot have any either.
 */
export class PushIterator<T> implements AsyncIterableIterator<T, undefined, undefined> {
  #buffer: T[] = [];
  #waiting: ((result: IteratorResult<T, undefined>) => void) | undefined;
  #ended = false;
  #onReturn: () => void;

  constructor(onReturn: () => void) {
    this.#onReturn = onReturn;
  }

  push(value: T): void {
    if (this.#ended) return;
    const waiting = this.#waiting;
    if (waiting === undefined) this.#buffer.push(value);
    else {
      this.#waiting = undefined;
      waiting({ value, done: false });
    }
  }

  /** No more values: the reader gets what is buffered, then `done`. */
  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#onReturn();
    this.#waiting?.({ value: undefined, done: true });
    this.#waiting = undefined;
  }

  next(): Promise<IteratorResult<T, undefined>> {
    if (this.#buffer.length > 0) return Promise.resolve({ value: this.#buffer.shift() as T, done: false });
    if (this.#ended) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => (this.#waiting = resolve));
  }

  return(): Promise<IteratorResult<T, undefined>> {
    this.#buffer = [];
    this.end();
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}
