/**
 * The last `capacity` items pushed, oldest first, in an array used as a circle: pushing past
 * capacity and dropping from the front cost the same however many are kept (an array's `shift()`
 * moves every item once the array is large: 7 µs a call at 100,000 items). The array grows by
 * doubling as items come, up to `capacity`, so a ring that holds little costs little.
 */
export class Ring<T> {
  readonly #capacity: number;
  #items: (T | undefined)[] = [];
  /** Where the oldest item is. */
  #head = 0;
  #length = 0;

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  get length(): number {
    return this.#length;
  }

  /** The `i`-th oldest item (0: the oldest). */
  at(i: number): T {
    return this.#items[(this.#head + i) % this.#items.length] as T;
  }

  /** Adds `item` as the newest; when full, the oldest goes. */
  push(item: T): void {
    if (this.#length === this.#items.length && this.#length < this.#capacity) this.#grow();
    const size = this.#items.length;
    this.#items[(this.#head + this.#length) % size] = item;
    if (this.#length < size) this.#length++;
    else this.#head = (this.#head + 1) % size;
  }

  /** Forgets the `n` oldest items. */
  dropOldest(n: number): void {
    for (let i = 0; i < n && this.#length > 0; i++) {
      this.#items[this.#head] = undefined;
      this.#head = (this.#head + 1) % this.#items.length;
      this.#length--;
    }
  }

  /** The newest `n` items, oldest first. */
  newest(n: number): T[] {
    const out: T[] = [];
    for (let i = this.#length - n; i < this.#length; i++) out.push(this.at(i));
    return out;
  }

  /** Twice the room (at least 8, at most the capacity), the items moved to its start in order. */
  #grow(): void {
    const items = new Array<T | undefined>(Math.min(this.#capacity, Math.max(8, 2 * this.#items.length)));
    for (let i = 0; i < this.#length; i++) items[i] = this.at(i);
    this.#items = items;
    this.#head = 0;
  }
}
