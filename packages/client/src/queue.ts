/**
 * A bounded first-in first-out queue: what is sent while disconnected waits here until the next
 * connection opens. `push` refuses (returns false) rather than grow past `limit`.
 */
export class BoundedQueue<T> {
  readonly limit: number;
  #items: T[] = [];

  constructor(limit: number) {
    this.limit = limit;
  }

  get size(): number {
    return this.#items.length;
  }

  /** Appends `item`; false, and nothing changes, when the queue already holds `limit` items. */
  push(item: T): boolean {
    if (this.#items.length >= this.limit) return false;
    this.#items.push(item);
    return true;
  }

  /** Empties the queue and returns what it held, oldest first. */
  drain(): T[] {
    return this.#items.splice(0);
  }
}
