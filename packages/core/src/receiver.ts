import type { Message } from "./events.js";
import type { Mapper } from "./skip.js";
import { SKIP } from "./skip.js";

/**
 * The receiver the runtime hands a handler, and any `mapReceiver()` of it: a public, typed
 * contract rather than a hidden mark, so that a second copy of this package (or a test harness)
 * recognises it too. `connection` is true only where `discard()` reaches the connection.
 */
export interface ConnectionReceiver<T = Message> extends AsyncIterable<T> {
  /** It ends when the connection does: `merge()` ends with it. */
  readonly connection: true;
  /** From now on, what the client sends is dropped (and counted), never queued: for a handler that never reads. */
  discard(): void;
}

/** Whether `value` is a {@link ConnectionReceiver}, of this copy of the package or of another. */
export function isConnectionReceiver(value: unknown): value is ConnectionReceiver<unknown> {
  return typeof value === "object" && value !== null && (value as { connection?: unknown }).connection === true;
}

/** Flow control the receiver asks of its transport. */
export interface ReceiverControl {
  /** The queue is full: stop reading the socket. */
  pause(): void;
  /** The queue has room again. */
  resume(): void;
  /** The handler reads for the first time: the handshake is accepted if it was not yet decided. */
  firstRead(): void;
  /**
   * After {@link Receiver.finish}: the handler has read every queued message and asked for the
   * next, so what it yields for them has been carried out (or it never read, and never will).
   */
  drained?(): void;
}

const DONE: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined });

/**
 * One executor for every promise a receiver makes, so waiting for a message allocates no closure:
 * it hands the promise's resolve function over through `captured`.
 */
let captured: ((result: IteratorResult<never>) => void) | undefined;
function capture(resolve: (result: IteratorResult<never>) => void): void {
  captured = resolve;
}

// A receiver's states, kept as bits of one field: every open connection holds a receiver.
const ENDED = 1;
const PAUSED = 2;
const READ = 4;
const DISCARDING = 8;
const FINISHING = 16;
const DRAINED = 32;

/** How much a receiver's queue may hold before it pauses its transport. */
export interface ReceiverLimits {
  /** Messages. */
  readonly maxQueue: number;
  /** Bytes: the payloads' lengths (text counts its characters). */
  readonly maxQueueBytes: number;
}

/**
 * The client's messages, in order, as an async iterable. Its queue holds at most `maxQueue`
 * messages and about `maxQueueBytes` bytes (one message more at the most); when either is
 * reached, the transport is paused until the handler has read down to a quarter of both.
 * A push-only handler (`websocket(handler, { receive: false })`) has it {@link Receiver.discard}
 * messages instead: they are dropped and counted, never queued.
 */
export class Receiver<T = Message> implements AsyncIterableIterator<T>, ConnectionReceiver<T> {
  /** Made when a message arrives with nobody waiting: a handler that keeps up never needs one. */
  #queue: T[] | undefined;
  #waiting: ((result: IteratorResult<unknown> | Promise<never>) => void) | undefined;
  /** What the waiting read maps the next message with ({@link Receiver.nextMapped}). */
  #waitingMap: Mapper<T, unknown> | undefined;
  #state = 0;
  /** What the queued messages weigh. */
  #bytes = 0;
  readonly #limits: ReceiverLimits;
  readonly #control: ReceiverControl;

  constructor(limits: ReceiverLimits, control: ReceiverControl) {
    this.#limits = limits;
    this.#control = control;
  }

  get connection(): true {
    return true;
  }

  /** Messages waiting to be read. */
  get queued(): number {
    return this.#queue?.length ?? 0;
  }

  /** What the messages waiting to be read weigh, in bytes. */
  get queuedBytes(): number {
    return this.#bytes;
  }

  /** Declares that the handler never reads: messages are dropped (and counted by the runtime), never queued. */
  discard(): void {
    this.#state |= DISCARDING;
    this.#queue = undefined;
    this.#bytes = 0;
    this.#unpause();
  }

  /** Called by the runtime for each message from the client; false when it was discarded. */
  push(message: T): boolean {
    if ((this.#state & (ENDED | DISCARDING)) !== 0) return false;
    const waiting = this.#waiting;
    if (waiting !== undefined) {
      const map = this.#waitingMap;
      let value: unknown = message;
      let thrown: Promise<never> | undefined;
      if (map !== undefined) {
        try {
          value = map(message);
        } catch (error) {
          thrown = Promise.reject(error);
        }
        if (value === SKIP) return true; // left out: the read goes on waiting
      }
      this.#waiting = undefined;
      this.#waitingMap = undefined;
      waiting(thrown ?? { done: false, value });
      return true;
    }
    const queue = (this.#queue ??= []);
    queue.push(message);
    this.#bytes += weight(message);
    const limits = this.#limits;
    if ((this.#state & PAUSED) === 0 && (queue.length >= limits.maxQueue || this.#bytes >= limits.maxQueueBytes)) {
      this.#state |= PAUSED;
      this.#control.pause();
    }
    return true;
  }

  /**
   * The transport is to send no more: readers get what is queued (and what arrives meanwhile),
   * then the end, and the control hears `drained()` once the handler, having read them all,
   * asks for more.
   */
  finish(): void {
    if ((this.#state & (ENDED | FINISHING)) !== 0) return;
    this.#state |= FINISHING;
    if (this.queued > 0) return;
    const waiting = this.#waiting !== undefined;
    this.end();
    if (waiting) this.#drained();
  }

  /** Whether the handler reads: it has asked for a message, and has not declared that it never will. */
  get reads(): boolean {
    return (this.#state & (READ | DISCARDING)) === READ;
  }

  /** Called by the runtime when the connection ends: queued messages are dropped, readers see the end. */
  end(): void {
    if ((this.#state & ENDED) !== 0) return;
    this.#state |= ENDED;
    this.#queue = undefined;
    this.#bytes = 0;
    const waiting = this.#waiting;
    this.#waiting = undefined;
    this.#waitingMap = undefined;
    waiting?.(DONE);
  }

  next(): Promise<IteratorResult<T>> {
    return this.#take(undefined) as Promise<IteratorResult<T>>;
  }

  /**
   * `next()`, with each message passed through `map` before the reader gets it: {@link SKIP}
   * leaves it out (the read takes the next one), a throw rejects the read. How `mapReceiver()`
   * reads a connection's receiver, without a promise of its own per message.
   */
  nextMapped<B>(map: Mapper<T, B>): Promise<IteratorResult<B>> {
    return this.#take(map) as Promise<IteratorResult<B>>;
  }

  #take(map: Mapper<T, unknown> | undefined): Promise<IteratorResult<unknown>> {
    if ((this.#state & READ) === 0) {
      this.#state |= READ;
      this.#control.firstRead();
    }
    const queue = this.#queue;
    while (queue !== undefined && queue.length > 0) {
      const value = queue.shift() as T;
      this.#bytes -= weight(value);
      const limits = this.#limits;
      if ((this.#state & PAUSED) !== 0 && queue.length <= limits.maxQueue >> 2 && this.#bytes <= limits.maxQueueBytes / 4) {
        this.#unpause();
      }
      if ((this.#state & FINISHING) !== 0 && queue.length === 0) this.end();
      if (map === undefined) return Promise.resolve({ done: false, value });
      let mapped: unknown;
      try {
        mapped = map(value);
      } catch (error) {
        return Promise.reject(error);
      }
      if (mapped !== SKIP) return Promise.resolve({ done: false, value: mapped });
    }
    if ((this.#state & ENDED) !== 0) {
      if ((this.#state & FINISHING) !== 0) this.#drained();
      return Promise.resolve(DONE);
    }
    if (this.#waiting !== undefined) {
      return Promise.reject(new Error("receiver.next() called again before the previous call settled"));
    }
    const promise = new Promise(capture);
    this.#waiting = captured as (result: IteratorResult<unknown> | Promise<never>) => void;
    this.#waitingMap = map;
    captured = undefined;
    return promise;
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

  #drained(): void {
    if ((this.#state & DRAINED) !== 0) return;
    this.#state |= DRAINED;
    this.#control.drained?.();
  }

  #unpause(): void {
    if ((this.#state & PAUSED) === 0) return;
    this.#state &= ~PAUSED;
    this.#control.resume();
  }
}

/** What a queued message weighs: its length, for text and bytes; nothing for other values (a harness's inputs). */
function weight(value: unknown): number {
  return typeof value === "string" ? value.length : value instanceof Uint8Array ? value.byteLength : 0;
}
