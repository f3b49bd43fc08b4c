import type { Backlog } from "./backlog.js";
import type { Answer, Request } from "./wire.js";
import { NAMESPACE } from "./wire.js";

/**
 * A worker's requests to the primary, bounded in number and in time. A caller waits at most
 * `timeout` ms for its answer, then goes on with its fallback; nothing is sent while the channel
 * is closed. Requests that may be refused (publish, count, recover) are, at once, while `max`
 * wait for an answer or `max` messages wait to be written: so a hung primary costs bounded
 * memory and suspends no handler for longer than `timeout`. Subscriptions and presence reports
 * are always sent (the channel loses nothing, so the primary applies them once it reads again):
 * the runtime keeps at most one of those in flight per topic.
 */
export class Requests {
  readonly #backlog: Backlog;
  readonly #max: number;
  readonly #timeout: number;
  readonly #connected: () => boolean;
  readonly #waiting = new Map<number, (answer: Answer | undefined) => void>();
  #next = 0;

  constructor(backlog: Backlog, max: number, timeout: number, connected: () => boolean) {
    this.#backlog = backlog;
    this.#max = max;
    this.#timeout = timeout;
    this.#connected = connected;
  }

  /** Requests waiting for an answer (at most `max` of the refusable kind). */
  get waiting(): number {
    return this.#waiting.size;
  }

  /** Whether a refusable request would be refused now. */
  get refusing(): boolean {
    return !this.#connected() || this.#waiting.size >= this.#max || this.#backlog.full;
  }

  /** Sends `request`; `answered` turns the answer into the result, `fallback` stands in for one. */
  ask<T>(request: Request, answered: (answer: Answer) => T, fallback: () => T): T | Promise<T> {
    if (this.refusing) return fallback();
    return this.#send(request, answered, fallback);
  }

  /** {@link ask} for a request that must reach the primary: refused only while the channel is closed. */
  tell(request: Request): Promise<void> | undefined {
    if (!this.#connected()) return undefined;
    return this.#send(request, () => undefined, () => undefined);
  }

  /** The primary's answer to request `id` (a late one is ignored). */
  answer(id: number, answer: Answer): void {
    this.#waiting.get(id)?.(answer);
  }

  /** The channel closed: everyone waiting goes on with their fallback, now. */
  abandon(): void {
    for (const settle of [...this.#waiting.values()]) settle(undefined);
  }

  #send<T>(request: Request, answered: (answer: Answer) => T, fallback: () => T): Promise<T> {
    const id = ++this.#next;
    return new Promise<T>((resolve) => {
      const settle = (answer: Answer | undefined): void => {
        if (!this.#waiting.delete(id)) return;
        clearTimeout(timer);
        resolve(answer === undefined ? fallback() : answered(answer));
      };
      const timer = setTimeout(() => settle(undefined), this.#timeout);
      this.#waiting.set(id, settle);
      this.#backlog.send({ [NAMESPACE]: 1, id, ...request }, (ok) => {
        if (!ok) settle(undefined);
      });
    });
  }
}
