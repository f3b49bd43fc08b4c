import { bounded } from "@scallion/core/transport";
import type { FrameListener, Link } from "./link.js";

/**
 * Channels per SUBSCRIBE or UNSUBSCRIBE command (on a cluster, per batch of SSUBSCRIBEs sent
 * together), so a restore after an outage goes in a few round trips.
 */
const BATCH = 500;

/**
 * The channels this instance should be in, and a loop that brings Redis in line: one SUBSCRIBE or
 * UNSUBSCRIBE at a time (on a cluster, SSUBSCRIBE per channel), only while the link is up, each
 * bounded in time.
 * What is wanted while Redis is down is only remembered (a join then completes at once), and a
 * leave forgets it again, so an outage holds no more than the channels local connections are in.
 * After a reconnect every wanted channel is subscribed again and every unwanted one left.
 */
export class Channels {
  readonly #link: Link;
  readonly #listener: FrameListener;
  readonly #timeout: number;
  readonly #wanted = new Set<string>();
  /** Wanted and confirmed subscribed on the current connection. */
  readonly #subscribed = new Set<string>();
  /** Wanted, not confirmed yet. */
  readonly #toAdd = new Set<string>();
  /** Perhaps subscribed, no longer wanted. */
  readonly #stale = new Set<string>();
  readonly #waiters = new Map<string, Set<() => void>>();
  #running = false;

  constructor(link: Link, listener: FrameListener, timeout: number) {
    this.#link = link;
    this.#listener = listener;
    this.#timeout = timeout;
    link.onSubscriberReady(() => this.#reconnected());
    // Lost: whoever waits for a SUBSCRIBE goes on; the channel is subscribed after the reconnect.
    link.onError(() => this.#wakeAll());
  }

  /** Channels wanted (subscribed, or to be once Redis is reachable). */
  get size(): number {
    return this.#wanted.size;
  }

  /** Wants `channel`; resolves once Redis confirms it, at once while Redis is down, or after the timeout. */
  want(channel: string): Promise<void> | undefined {
    this.#wanted.add(channel);
    this.#stale.delete(channel);
    if (this.#subscribed.has(channel)) return undefined;
    this.#toAdd.add(channel);
    if (!this.#link.listening) return undefined;
    const subscribed = this.#whenSubscribed(channel);
    this.#kick();
    return subscribed;
  }

  /** No longer wants `channel`; Redis is told when it is reachable. */
  drop(channel: string): void {
    this.#wanted.delete(channel);
    this.#toAdd.delete(channel);
    if (this.#subscribed.delete(channel)) this.#stale.add(channel);
    this.#wake(channel);
    this.#kick();
  }

  /** Forgets every channel (the connection is closing). */
  clear(): void {
    this.#wanted.clear();
    this.#toAdd.clear();
    this.#wakeAll();
  }

  #reconnected(): void {
    // Redis may have restarted empty: confirm every channel again (node-redis resubscribes the
    // ones it knows, also on a cluster's promoted master, and a SUBSCRIBE it has costs no command).
    for (const channel of this.#subscribed) this.#toAdd.add(channel);
    this.#subscribed.clear();
    this.#kick();
  }

  #kick(): void {
    if (this.#running || !this.#link.listening) return;
    this.#running = true;
    void this.#run().then((done) => {
      this.#running = false;
      // A command failed with the connection up (a reconnect kicks again by itself): retry later.
      if (!done) setTimeout(() => this.#kick(), this.#timeout).unref();
    });
  }

  /** Works until nothing is left to do (true), the connection is down, or a command failed (false). */
  async #run(): Promise<boolean> {
    while (this.#link.listening) {
      const add = take(this.#toAdd);
      const remove = take(this.#stale);
      if (add.length + remove.length === 0) return true;
      const added = add.length === 0 || (await this.#within(this.#link.subscribe(add, this.#listener)));
      for (const channel of add) {
        if (!this.#wanted.has(channel)) this.#stale.add(channel);
        else if (added) this.#confirm(channel);
        else this.#toAdd.add(channel);
      }
      const removed = remove.length === 0 || (await this.#within(this.#link.unsubscribe(remove, this.#listener)));
      if (!removed) for (const channel of remove) if (!this.#wanted.has(channel)) this.#stale.add(channel);
      if (!added || !removed) return false;
    }
    return true;
  }

  #confirm(channel: string): void {
    this.#subscribed.add(channel);
    this.#wake(channel);
  }

  /** Whether `command` succeeded within the timeout. */
  #within(command: Promise<unknown>): Promise<boolean> {
    return bounded(
      () => command.then(() => true),
      this.#timeout,
      () => false,
    ) as Promise<boolean>;
  }

  #whenSubscribed(channel: string): Promise<void> {
    return new Promise((resolve) => {
      let waiters = this.#waiters.get(channel);
      if (waiters === undefined) this.#waiters.set(channel, (waiters = new Set()));
      const done = (): void => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        waiters.delete(done);
        if (waiters.size === 0 && this.#waiters.get(channel) === waiters) this.#waiters.delete(channel);
        resolve();
      }, this.#timeout);
      waiters.add(done);
    });
  }

  #wake(channel: string): void {
    const waiters = this.#waiters.get(channel);
    if (waiters === undefined) return;
    this.#waiters.delete(channel);
    for (const done of waiters) done();
  }

  #wakeAll(): void {
    for (const channel of [...this.#waiters.keys()]) this.#wake(channel);
  }
}

/** Takes up to BATCH entries out of `set`. */
function take(set: Set<string>): string[] {
  const taken: string[] = [];
  for (const entry of set) {
    if (taken.length === BATCH) break;
    taken.push(entry);
  }
  for (const entry of taken) set.delete(entry);
  return taken;
}
