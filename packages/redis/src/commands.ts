import { bounded } from "@scallion/core/transport";

/**
 * Commands on the Redis connections, bounded in number and in time: none is sent while the
 * connection is down, at most `max` wait for an answer at once, and a caller waits at most
 * `timeout` ms for one. Whatever is refused or late gives the caller its fallback, at once.
 */
export class Commands {
  readonly #link: { readonly ready: boolean };
  readonly #max: number;
  readonly #timeout: number;
  #waiting = 0;

  constructor(link: { readonly ready: boolean }, max: number, timeout: number) {
    this.#link = link;
    this.#max = max;
    this.#timeout = timeout;
  }

  /** Commands sent and not answered yet (late ones included: the client still holds them). */
  get waiting(): number {
    return this.#waiting;
  }

  get ready(): boolean {
    return this.#link.ready;
  }

  run<T>(command: () => Promise<T>, fallback: () => T): T | Promise<T> {
    if (!this.#link.ready || this.#waiting >= this.#max) return fallback();
    this.#waiting++;
    const settled = (): void => {
      this.#waiting--;
    };
    return bounded(
      () => {
        let answer: Promise<T>;
        try {
          answer = command();
        } catch (error) {
          settled();
          throw error;
        }
        answer.then(settled, settled);
        return answer;
      },
      this.#timeout,
      fallback,
    );
  }
}
