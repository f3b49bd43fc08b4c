/**
 * Connections per client address, handshakes still being decided included, so that one address
 * cannot hold every socket (and file descriptor) of the server. `max` null counts nothing.
 */
export class AddressLimit {
  readonly #max: number | null;
  readonly #open = new Map<string, number>();

  constructor(max: number | null) {
    this.#max = max;
  }

  /** Addresses with at least one connection. */
  get addresses(): number {
    return this.#open.size;
  }

  /** Counts one more connection from `address`; false, counting nothing, when it already has `max`. */
  admit(address: string): boolean {
    if (this.#max === null) return true;
    const count = this.#open.get(address) ?? 0;
    if (count >= this.#max) return false;
    this.#open.set(address, count + 1);
    return true;
  }

  /** A connection from `address` has ended. */
  release(address: string): void {
    if (this.#max === null) return;
    const left = (this.#open.get(address) ?? 1) - 1;
    if (left > 0) this.#open.set(address, left);
    else this.#open.delete(address);
  }
}
