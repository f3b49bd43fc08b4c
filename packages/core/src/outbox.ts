import type { Message, Outcome } from "./events.js";
import type { Encoded } from "./frame.js";
import type { RuntimeContext } from "./runtime-context.js";
import type { TransportSocket } from "./transport.js";

/**
 * What goes out to one open connection: the handler's sends, with backpressure (a send completes
 * once the socket is below the high-water mark), and published messages, which go straight to the
 * socket unless the subscriber is too far behind.
 */
export class Outbox {
  readonly socket: TransportSocket;
  readonly #runtime: RuntimeContext;
  /** Resumes a handler paused by backpressure. */
  #drained: ((outcome: Outcome) => void) | undefined;
  /** Terminates the socket if the closing handshake does not finish in time. */
  #closeTimer: NodeJS.Timeout | undefined;

  constructor(socket: TransportSocket, runtime: RuntimeContext) {
    this.socket = socket;
    this.#runtime = runtime;
  }

  /** Wire bytes read and written so far. */
  get bytes(): { readonly in: number; readonly out: number } {
    return { in: this.socket.bytesRead ?? 0, out: this.socket.bytesWritten ?? 0 };
  }

  /** A yielded send: "sent" at once below the mark, or a promise that settles when the socket drains. */
  send(data: Message): Outcome | Promise<Outcome> {
    const socket = this.socket;
    const { options, counters } = this.#runtime;
    const highWaterMark = options.highWaterMark;
    counters.messagesOut++;
    // A write callback costs Node's stream machinery some work per message, so ask for one only
    // when this send may cross the mark (UTF-8 takes at most 3 bytes per UTF-16 unit, and a
    // frame header at most 14 bytes): below it, the send is done as soon as it is handed over.
    const mostBytes = (typeof data === "string" ? 3 * data.length : data.length) + 14;
    if (socket.bufferedAmount + mostBytes <= highWaterMark) {
      socket.send(data);
      return "sent";
    }
    socket.send(data, (error) => this.#written(error));
    if (socket.bufferedAmount <= highWaterMark) return "sent";
    return new Promise((resolve) => (this.#drained = resolve));
  }

  /**
   * Writes a published message, encoded once for all subscribers. False when this subscriber is
   * over its buffer limit and must be closed (`slowSubscriber: "close"`); skipped and counted
   * with `"skip"`.
   */
  deliver(message: Encoded): boolean {
    const socket = this.socket;
    if (socket.bufferedAmount > this.#runtime.options.subscriberBufferLimit) {
      if (this.#runtime.options.slowSubscriber === "close") return false;
      this.#runtime.counters.messagesSkipped++;
      return true;
    }
    if (socket.sendEncoded) socket.sendEncoded(message);
    else socket.send(message.data);
    this.#runtime.counters.messagesOut++;
    return true;
  }

  /** Starts the closing handshake: the close frame goes out after everything sent before it. */
  close(code: number, reason: string): void {
    const socket = this.socket;
    socket.close(code, reason);
    this.#closeTimer = setTimeout(() => socket.terminate(), this.#runtime.options.closeTimeout);
    this.#closeTimer.unref();
  }

  /** The connection is gone: a handler waiting for the socket to drain learns its send was dropped. */
  fail(): void {
    clearTimeout(this.#closeTimer);
    this.#drained?.("dropped");
    this.#drained = undefined;
  }

  /**
   * Runs as each send that may cross the mark is written out: a handler paused by backpressure
   * resumes once the socket is below the mark again, or learns that its message was dropped.
   */
  #written(error?: Error | null): void {
    const drained = this.#drained;
    if (drained === undefined) return;
    const failed = error !== undefined && error !== null;
    if (!failed && this.socket.bufferedAmount > this.#runtime.options.highWaterMark) return;
    this.#drained = undefined;
    drained(failed ? "dropped" : "sent");
  }
}
