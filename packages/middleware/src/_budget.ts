/** A token bucket holding up to `capacity` tokens, refilled at `rate` tokens per millisecond. */
export class Bucket {
  #tokens: number;
  #last = Date.now();

  constructor(
    readonly capacity: number,
    readonly rate: number,
  ) {
    this.#tokens = capacity;
  }

  /** Whether `n` tokens are there at `now`. */
  has(n: number, now: number): boolean {
    this.#tokens = Math.min(this.capacity, this.#tokens + (now - this.#last) * this.rate);
    this.#last = now;
    return this.#tokens >= n;
  }

  spend(n: number): void {
    this.#tokens -= n;
  }
}

/** What a message is charged to: a bucket for messages, one for bytes, or both. */
export interface Budget {
  readonly count?: Bucket | undefined;
  readonly size?: Bucket | undefined;
}

/** Milliseconds an empty budget takes to fill up again. */
function refillTime({ count, size }: Budget): number {
  return Math.max(...[count, size].map((b) => (b === undefined ? 0 : b.capacity / b.rate)));
}

/**
 * The budgets of addresses: one per address, shared by its connections, and kept for as long as
 * it could take to refill once the last of them has closed (after that a new one is as good).
 * Idle budgets all wait the same time, so they expire in the order they went idle and are swept
 * from the front: memory follows the addresses seen in the last refill time, no more.
 */
export class AddressBudgets {
  readonly #active = new Map<string, { readonly budget: Budget; open: number }>();
  readonly #idle = new Map<string, { readonly budget: Budget; readonly until: number }>();
  readonly #make: () => Budget;
  readonly #keep: number;

  constructor(make: () => Budget) {
    this.#make = make;
    this.#keep = refillTime(make());
  }

  /** The budget of `address`, for one more of its connections. */
  acquire(address: string): Budget {
    const now = Date.now();
    for (const [idle, { until }] of this.#idle) {
      if (until > now) break;
      this.#idle.delete(idle);
    }
    const active = this.#active.get(address);
    if (active !== undefined) {
      active.open++;
      return active.budget;
    }
    const budget = this.#idle.get(address)?.budget ?? this.#make();
    this.#idle.delete(address);
    this.#active.set(address, { budget, open: 1 });
    return budget;
  }

  /** One connection of `address` has ended. */
  release(address: string): void {
    const active = this.#active.get(address);
    if (active === undefined || --active.open > 0) return;
    this.#active.delete(address);
    this.#idle.set(address, { budget: active.budget, until: Date.now() + this.#keep });
  }
}
