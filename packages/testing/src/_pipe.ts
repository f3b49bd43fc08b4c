/** What travels through a memory connection, in either direction. */
export type Frame =
  | { kind: "open"; subprotocol: string; headers: Readonly<Record<string, string>> }
  | { kind: "message"; data: string | Buffer; size: number; done?: ((error?: Error) => void) | undefined }
  | { kind: "close"; code: number | undefined; reason: string }
  | { kind: "ping" }
  | { kind: "pong" };

/**
 * One direction of a memory connection: frames queue here and are delivered in order on a
 * microtask, never inside `push`. Microtasks are not faked by vitest's fake timers, so delivery
 * does not wait for the fake clock. While paused, nothing is delivered and message bytes count
 * towards `bufferedAmount`, as they would in a socket's write buffer.
 */
export class Pipe {
  readonly #deliver: (frame: Frame) => void;
  #frames: Frame[] = [];
  #bytes = 0;
  #paused = false;
  #scheduled = false;
  #closed = false;

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
    if (this.#scheduled || this.#paused || this.#frames.length === 0) return;
    this.#scheduled = true;
    queueMicrotask(() => {
      this.#scheduled = false;
      this.#flush();
    });
  }

  #flush(): void {
    while (!this.#paused && !this.#closed) {
      const frame = this.#frames.shift();
      if (frame === undefined) return;
      if (frame.kind === "message") this.#bytes -= frame.size;
      this.#deliver(frame);
      if (frame.kind === "message") frame.done?.();
    }
  }
}

function fail(done: ((error?: Error) => void) | undefined): void {
  if (done) queueMicrotask(() => done(new Error("WebSocket is not open")));
}
