/** A token bucket holding up to `capacity` tokens, refilled at `rate` tokens per millisecond. */
export class Bucket {
  #tokens: number;
  #last = Date.now();

  constructor(
    readonly capacity: number,
    readonly rate: number,
    tokens = capacity,
  ) {
    this.#tokens = tokens;
  }

  /** The tokens it holds at `now`. */
  level(now: number): number {
    this.#tokens = Math.min(this.capacity, this.#tokens + (now - this.#last) * this.rate);
    this.#last = now;
    return this.#tokens;
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

/** Makes a budget, full, or holding the given tokens. */
export type MakeBudget = (levels?: { readonly count?: number | undefined; readonly size?: number | undefined }) => Budget;

/** Milliseconds an empty budget takes to fill up again. */
function refillTime({ count, size }: Budget): number {
  return Math.max(...[count, size].map((b) => (b === undefined ? 0 : b.capacity / b.rate)));
}

/** Drops the entries whose time is up; they are in the order they expire. */
function sweep(entries: Map<string, { readonly until: number }>, now: number): void {
  for (const [key, { until }] of entries) {
    if (until > now) return;
    entries.delete(key);
  }
}

/** Budgets kept per address for as long as an empty one takes to refill. */
abstract class KeptBudgets {
  protected readonly make: MakeBudget;
  protected readonly keep: number;

  constructor(make: MakeBudget) {
    this.make = make;
    this.keep = refillTime(make());
  }

  /** A budget for a new connection from `address`. */
  abstract start(address: string): Budget;
  /** A connection from `address` has closed with `budget` left. */
  abstract end(address: string, budget: Budget): void;
}

/**
 * The least that the closed connections of each address left of their budgets, kept until it
 * would have refilled: a new connection from that address starts with no more, so reconnecting
 * buys no new burst, while its other open connections keep budgets of their own. Every entry
 * waits the same time, so they expire in the order they were written and are swept from the
 * front: memory follows the addresses that closed within one refill time, no more.
 */
export class Leftovers extends KeptBudgets {
  readonly #left = new Map<string, { readonly budget: Budget; readonly until: number }>();

  start(address: string): Budget {
    const now = Date.now();
    sweep(this.#left, now);
    const left = this.#left.get(address)?.budget;
    return left === undefined ? this.make() : this.make({ count: left.count?.level(now), size: left.size?.level(now) });
  }

  end(address: string, budget: Budget): void {
    const now = Date.now();
    const before = this.#left.get(address)?.budget;
    const least = (mine: Bucket | undefined, theirs: Bucket | undefined) =>
      mine === undefined ? undefined : Math.min(mine.level(now), theirs?.level(now) ?? Infinity);
    const levels = { count: least(budget.count, before?.count), size: least(budget.size, before?.size) };
    // Re-inserted, so that the map stays in the order its entries expire.
    this.#left.delete(address);
    this.#left.set(address, { budget: this.make(levels), until: now + this.keep });
  }
}

/**
 * The budgets of addresses: one per address, shared by its connections, and kept for as long as
 * it could take to refill once the last of them has closed (after that a new one is as good).
 * Swept like {@link Leftovers}.
 */
export class AddressBudgets extends KeptBudgets {
  readonly #active = new Map<string, { readonly budget: Budget; open: number }>();
  readonly #idle = new Map<string, { readonly budget: Budget; readonly until: number }>();

  /** The budget of `address`, shared with its other connections. */
  start(address: string): Budget {
    sweep(this.#idle, Date.now());
    const active = this.#active.get(address);
    if (active !== undefined) {
      active.open++;
      return active.budget;
    }
    const budget = this.#idle.get(address)?.budget ?? this.make();
    this.#idle.delete(address);
    this.#active.set(address, { budget, open: 1 });
    return budget;
  }

  end(address: string): void {
    const active = this.#active.get(address);
    if (active === undefined || --active.open > 0) return;
    this.#active.delete(address);
    this.#idle.set(address, { budget: active.budget, until: Date.now() + this.keep });
  }
}
