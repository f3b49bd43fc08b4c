import type { PingOptions } from "./options.js";
import type { WebSocketLike } from "./websocket.js";

const OPEN = 1;

/** Watches an open connection for silence: sends pings when configured, and calls it dead after `idleTimeout`. */
export class Watchdog {
  readonly #idleTimeout: number | undefined;
  readonly #ping: Required<PingOptions> | undefined;
  #lastHeard = 0;
  #lastPing = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(idleTimeout: number | undefined, ping: Required<PingOptions> | undefined) {
    this.#idleTimeout = idleTimeout;
    this.#ping = ping;
  }

  /** Something arrived from the server. */
  heard(): void {
    this.#lastHeard = Date.now();
  }

  /** Starts watching `socket`, which has just opened; `dead` is called with why it is given up. */
  start(socket: WebSocketLike, dead: (reason: string) => void): void {
    this.#lastHeard = this.#lastPing = Date.now();
    const idleTimeout = this.#idleTimeout;
    const ping = this.#ping;
    if (idleTimeout === undefined && ping === undefined) return;
    const check = (): void => {
      const now = Date.now();
      let next = Infinity;
      if (idleTimeout !== undefined) {
        const left = this.#lastHeard + idleTimeout - now;
        if (left <= 0) return dead(`no message for ${idleTimeout} ms`);
        next = left;
      }
      if (ping !== undefined) {
        const since = Math.max(this.#lastHeard, this.#lastPing);
        if (now - since >= ping.interval && socket.readyState === OPEN) {
          socket.send(typeof ping.message === "string" ? ping.message : ping.message());
          this.#lastPing = now;
        }
        next = Math.min(next, Math.max(this.#lastHeard, this.#lastPing) + ping.interval - now);
      }
      this.#timer = setTimeout(check, Math.max(next, 1));
    };
    this.#timer = setTimeout(check, Math.min(idleTimeout ?? Infinity, ping?.interval ?? Infinity));
  }

  /** Stops watching. */
  stop(): void {
    clearTimeout(this.#timer);
  }
}
