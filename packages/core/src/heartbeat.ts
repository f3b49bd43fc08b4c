import type { CloseCause } from "./lifecycle.js";

/** What the heartbeat needs of a connection; its two times are the heartbeat's own record. */
export interface Beating {
  readonly isOpen: boolean;
  /** When the unanswered ping went out; 0 when none is outstanding. */
  pingSentAt: number;
  /** When the client last answered (or the connection opened). */
  lastPong: number;
  ping(): void;
  drop(cause: CloseCause): void;
}

/**
 * One timer for all of a runtime's connections: it pings a connection that has been silent for
 * `interval` and drops one whose ping went unanswered for `timeout` (`null`: never). It ticks at
 * a quarter of the shorter period, which keeps the detection within 25% of the configured bounds.
 */
export class Heartbeat {
  readonly #interval: number | null;
  readonly #timeout: number | null;
  readonly #connections: Iterable<Beating>;
  #timer: NodeJS.Timeout | undefined;

  constructor(interval: number | null, timeout: number | null, connections: Iterable<Beating>) {
    this.#interval = interval;
    this.#timeout = timeout;
    this.#connections = connections;
  }

  start(): void {
    const interval = this.#interval;
    if (interval === null || this.#timer !== undefined) return;
    const tick = Math.max(10, Math.min(interval, this.#timeout ?? interval) / 4);
    this.#timer = setInterval(() => {
      const now = Date.now();
      for (const connection of this.#connections) beat(connection, now, interval, this.#timeout);
    }, tick);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }
}

/** The client answered a ping (or any pong arrived). */
export function ponged(connection: Beating): void {
  connection.pingSentAt = 0;
  connection.lastPong = Date.now();
}

function beat(connection: Beating, now: number, interval: number, timeout: number | null): void {
  if (!connection.isOpen) return;
  if (connection.pingSentAt !== 0) {
    if (timeout !== null && now - connection.pingSentAt >= timeout) connection.drop("heartbeat");
    return;
  }
  if (now - connection.lastPong >= interval) {
    connection.pingSentAt = now;
    connection.ping();
  }
}
