import type { Ending } from "./ending.js";
import type { Receiver } from "./receiver.js";

/**
 * A connection that closes once its handler has read what it had received: on a shutdown, and
 * on a protocol error. Its receiver is finished, and `close` runs when the handler asks for
 * more (through the receiver's `drained()`), at once when it does not read, or after `timeout`.
 */
export class Drain {
  readonly ending: Ending;
  #timer: NodeJS.Timeout | undefined;

  constructor(ending: Ending) {
    this.ending = ending;
  }

  /** Starts draining `receiver`; call once the drain is where `close` finds it. */
  start(receiver: Pick<Receiver, "finish" | "reads">, close: () => void, timeout?: number): void {
    if (timeout !== undefined) this.#timer = setTimeout(close, timeout);
    receiver.finish();
    if (!receiver.reads) close();
  }

  stop(): void {
    clearTimeout(this.#timer);
  }
}
