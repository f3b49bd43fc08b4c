/** What travels through a memory connection, in either direction. */
export type Frame =
  | { kind: "open"; subprotocol: string; headers: Readonly<Record<string, string>> }
  | { kind: "message"; data: string | Buffer; size: number; done?: ((error?: Error) => void) | undefined }
  | { kind: "close"; code: number | undefined; reason: string }
  | { kind: "ping" }
  | { kind: "pong" };

// Taken at load, before a test can install fake timers: the budget below must follow the real
// event loop, which fake timers do not stop.
const realSetImmediate = globalThis.setImmediate;

/** Bytes (counting 2 per frame for its header) a pipe delivers within one turn of the event loop. */
const TURN_BUDGET = 1024 * 1024;

/**
 * One direction of a memory connection: frames queue here and are delivered in order on a
 * microtask, never inside `push`. Microtasks are not faked by vitest's fake timers, so delivery
 * does not wait for the fake clock. While paused, nothing is delivered and message bytes count
 * towards `bufferedAmount`, as they would in a socket's write buffer.
 *
 * A socket takes a bounded amount per turn of the event loop; so does a pipe. Past its budget it
 * waits for the next turn, so a handler that sends without end fills `bufferedAmount`, meets the
 * runtime's backpressure and lets timers run, instead of starving the loop with microtasks.
 */
export class Pipe {
  readonly #deliver: (frame: Frame) => void;
  #frames: Frame[] = [];
  #bytes = 0;
  #paused = false;
  #scheduled = false;
  #closed = false;
  #spent = 0;
  #refilling = false;
  /** Out of budget: delivery resumes on the next turn. */
  #waitingTurn = false;

  constructor(deliver: (frame: Frame) => void) {
    this.#deliver = deliver;
  }

  /** Bytes of messages pushed and not yet delivered. */
  get bufferedAmount(): number {
    return this.#bytes;
  }

  push(frame: Frame): void {
    if (this.#closed) {
      if (frame.kind === "message") fail(frame.done);
      return;
    }
    this.#frames.push(frame);
    if (frame.kind === "message") this.#bytes += frame.size;
    this.#schedule();
  }

  pause(): void {
    this.#paused = true;
  }

  resume(): void {
    this.#paused = false;
    this.#schedule();
  }

  /** Drops every frame not yet delivered and refuses new ones: the connection is gone. */
  clear(): void {
    this.#closed = true;
    for (const frame of this.#frames) if (frame.kind === "message") fail(frame.done);
    this.#frames = [];
    this.#bytes = 0;
  }

  #schedule(): void {
    if (this.#scheduled || this.#waitingTurn || this.#paused || this.#frames.length === 0) return;
    this.#scheduled = true;
    queueMicrotask(() => {
      this.#scheduled = false;
      this.#flush();
    });
  }

  #flush(): void {
    while (!this.#paused && !this.#closed && this.#frames.length > 0) {
      if (this.#spent >= TURN_BUDGET) {
        this.#waitingTurn = true;
        return;
      }
      const frame = this.#frames.shift() as Frame;
      this.#spent += 2 + (frame.kind === "message" ? frame.size : 0);
      this.#refill();
      if (frame.kind === "message") this.#bytes -= frame.size;
      this.#deliver(frame);
      if (frame.kind === "message") frame.done?.();
    }
  }

  /** Restores the budget on the next turn of the real event loop, then goes on delivering. */
  #refill(): void {
    if (this.#refilling) return;
    this.#refilling = true;
    realSetImmediate(() => {
      this.#refilling = false;
      this.#spent = 0;
      if (!this.#waitingTurn) return;
      this.#waitingTurn = false;
      this.#flush();
    });
  }
}

function fail(done: ((error?: Error) => void) | undefined): void {
  if (done) queueMicrotask(() => done(new Error("WebSocket is not open")));
}
