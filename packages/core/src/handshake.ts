import type { AcceptEvent } from "./events.js";
import type { Scope } from "./scope.js";
import type { PendingUpgrade, SocketEvents, TransportSocket } from "./transport.js";

/**
 * The upgrade request of a connection until its handshake is decided: handed out once, to be
 * accepted or refused, and given up with a 503 if nothing decides within the handshake timeout.
 * Dropped once decided, with the request and what it holds.
 */
export class Handshake {
  #pending: PendingUpgrade | undefined;
  readonly #onTimeout: () => void;
  readonly #onAbort: () => void;
  /** When it started (`Date.now()`), and its neighbours on its clock's list while undecided. */
  readonly since = Date.now();
  prev: Handshake | undefined;
  next: Handshake | undefined;
  readonly #timeout: number;
  #clock: Clock | undefined;

  /**
   * `onTimeout` runs if the handshake is still undecided `timeout` ms after it started; `onAbort`
   * if the client leaves first. Neither is watched for until {@link Handshake.watch}.
   */
  constructor(pending: PendingUpgrade, timeout: number, onTimeout: () => void, onAbort: () => void) {
    this.#pending = pending;
    this.#timeout = timeout;
    this.#onTimeout = onTimeout;
    this.#onAbort = onAbort;
  }

  /**
   * The handler did not decide at once (most decide while the runtime starts them, before any
   * socket event can arrive): from now on the timeout runs and the client's leaving is noticed.
   */
  watch(): void {
    const pending = this.#pending;
    if (pending === undefined || this.#clock !== undefined) return;
    pending.onAbort(this.#onAbort);
    this.#clock = clockFor(this.#timeout);
    this.#clock.add(this);
  }

  /**
   * Completes the handshake (101) with what `accept()` asked for; undefined when it was already
   * decided or the client has gone. Throws, before deciding anything, for a subprotocol the
   * client did not offer.
   */
  accept(event: Partial<AcceptEvent>, scope: Scope, events: SocketEvents): TransportSocket | undefined {
    const { subprotocol, headers } = event;
    if (subprotocol !== undefined && !scope.subprotocols.includes(subprotocol)) {
      throw new TypeError(
        `accept(): subprotocol "${subprotocol}" was not offered by the client (offered: ${
          scope.subprotocols.join(", ") || "none"
        })`,
      );
    }
    return this.#take()?.accept({ subprotocol, headers }, events);
  }

  /** Answers with an HTTP response instead of upgrading. */
  reject(status: number, body: string, headers: Readonly<Record<string, string>> = {}): void {
    this.#take()?.reject(status, body, headers);
  }

  /** The connection ended before a decision: nothing more is to be done with the request. */
  cancel(): void {
    this.#take();
  }

  /** Its clock found it undecided past its deadline (and has already let go of it). */
  expire(): void {
    this.#clock = undefined;
    this.#onTimeout();
  }

  #take(): PendingUpgrade | undefined {
    const pending = this.#pending;
    this.#pending = undefined;
    this.#clock?.remove(this);
    this.#clock = undefined;
    return pending;
  }
}

/**
 * The undecided handshakes of one timeout, oldest first: all of them have the same timeout, so
 * deadlines come in the order the handshakes started, and one timer serves them all, armed for
 * the oldest. Cheaper than a timer each: most handshakes are decided at once, and a timer per
 * handshake was made, queued and cancelled for every connection.
 */
class Clock {
  readonly #timeout: number;
  #oldest: Handshake | undefined;
  #newest: Handshake | undefined;
  #timer: NodeJS.Timeout | undefined;
  readonly #tick = (): void => this.#expire();

  constructor(timeout: number) {
    this.#timeout = timeout;
  }

  add(handshake: Handshake): void {
    handshake.prev = this.#newest;
    if (this.#newest === undefined) this.#oldest = handshake;
    else this.#newest.next = handshake;
    this.#newest = handshake;
    // An armed timer stays armed: when it fires it looks at whoever is oldest then.
    if (this.#timer === undefined) this.#arm(this.#timeout);
  }

  remove(handshake: Handshake): void {
    const { prev, next } = handshake;
    if (prev === undefined) this.#oldest = next;
    else prev.next = next;
    if (next === undefined) this.#newest = prev;
    else next.prev = prev;
    handshake.prev = handshake.next = undefined;
  }

  /** Gives up every handshake past its deadline, then waits for the next one's. */
  #expire(): void {
    this.#timer = undefined;
    const now = Date.now();
    for (let oldest = this.#oldest; oldest !== undefined; oldest = this.#oldest) {
      const left = oldest.since + this.#timeout - now;
      if (left > 0) {
        this.#arm(left);
        return;
      }
      this.remove(oldest);
      oldest.expire();
    }
  }

  #arm(ms: number): void {
    this.#timer = setTimeout(this.#tick, ms);
    this.#timer.unref();
  }
}

const clocks = new Map<number, Clock>();

function clockFor(timeout: number): Clock {
  let clock = clocks.get(timeout);
  if (clock === undefined) clocks.set(timeout, (clock = new Clock(timeout)));
  return clock;
}
