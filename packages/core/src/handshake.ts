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
  #timer: NodeJS.Timeout | undefined;

  /** `onTimeout` runs if the handshake is still undecided after `timeout` ms; `onAbort` if the client leaves first. */
  constructor(pending: PendingUpgrade, timeout: number, onTimeout: () => void, onAbort: () => void) {
    this.#pending = pending;
    pending.onAbort(onAbort);
    this.#timer = setTimeout(onTimeout, timeout);
    this.#timer.unref();
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

  #take(): PendingUpgrade | undefined {
    const pending = this.#pending;
    this.#pending = undefined;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    return pending;
  }
}
