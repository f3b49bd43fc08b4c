import type { Message } from "./events.js";

/** Marks the runtime's receivers, so `merge()` can end when the connection does. */
export const kReceiver: unique symbol = Symbol.for("scallion.receiver");

/** Flow control the receiver asks of its transport. */
export interface ReceiverControl {
  /** The queue is full: stop reading the socket. */
  pause(): void;
  /** The queue has room again. */
  resume(): void;
  /** The handler reads for the first time: the handshake is accepted if it was not yet decided. */
  firstRead(): void;
}

const DONE: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined });

/**
 * The client's messages, in order, as an async iterable. Its queue holds at most `maxQueue`
 * messages; when full, the transport is paused until the handler has read down to a quarter.
 * A handler that will never read calls {@link Receiver.discard}: messages are then dropped and
 * counted instead of filling the queue.
 */
export class Receiver<T = Message> implements AsyncIterableIterator<T> {
  readonly [kReceiver] = true;
  #queue: T[] = [];
  #waiting: ((result: IteratorResult<T>) => void) | undefined;
  #ended = false;
  #paused = false;
  #read = false;
  #discarding = false;
  #discarded = 0;
  readonly #maxQueue: number;
  readonly #control: ReceiverControl;

  constructor(maxQueue: number, control: ReceiverControl) {
    this.#maxQueue = maxQueue;
    this.#control = control;
  }

  /** Messages waiting to be read. */
  get queued(): number {
    return this.#queue.length;
  }

  /** Messages dropped because the handler said it would not read them. */
  get discarded(): number {
    return this.#discarded;
  }

  /** Whether the connection's input has ended. */
  get ended(): boolean {
    return this.#ended;
  }

  /** Declares that this handler never reads: messages are dropped and counted, never queued. */
  discard(): void {
    this.#discarding = true;
    this.#discarded += this.#queue.length;
    this.#queue = [];
    this.#unpause();
  }

  /** Called by the runtime for each message from the client; false when it was discarded. */
  push(message: T): boolean {
    if (this.#ended) return false;
    if (this.#discarding) {
      this.#discarded++;
      return false;
    }
    const waiting = this.#waiting;
    if (waiting !== undefined) {
      this.#waiting = undefined;
      waiting({ done: false, value: message });
      return true;
    }
    this.#queue.push(message);
    if (!this.#paused && this.#queue.length >= this.#maxQueue) {
      this.#paused = true;
      this.#control.pause();
    }
    return true;
  }

  /** Called by the runtime when the connection ends: queued messages are dropped, readers see the end. */
  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#queue = [];
    const waiting = this.#waiting;
    this.#waiting = undefined;
    waiting?.(DONE);
  }

  next(): Promise<IteratorResult<T>> {
    if (!this.#read) {
      this.#read = true;
      this.#control.firstRead();
    }
    if (this.#queue.length > 0) {
      const value = this.#queue.shift() as T;
      if (this.#paused && this.#queue.length <= this.#maxQueue >> 2) this.#unpause();
      return Promise.resolve({ done: false, value });
    }
    if (this.#ended) return Promise.resolve(DONE);
    if (this.#waiting !== undefined) {
      return Promise.reject(new Error("receiver.next() called again before the previous call settled"));
    }
    return new Promise((resolve) => {
      this.#waiting = resolve;
    });
  }

  /**
   * A `break` out of `for await` lands here. The receiver stays readable, so a handler may take
   * the first message in one loop and the rest in another.
   */
  return(): Promise<IteratorResult<T>> {
    return Promise.resolve(DONE);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  #unpause(): void {
    if (!this.#paused) return;
    this.#paused = false;
    this.#control.resume();
  }
}
