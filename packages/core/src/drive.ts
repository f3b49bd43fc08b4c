import type { Event, Message, Outcome } from "./events.js";
import type { Handler } from "./handler.js";
import type { Scope } from "./scope.js";

/**
 * Runs a handler's iterator: each event it yields is carried out by {@link Driver.perform}, and
 * the handler resumed with the outcome. Driven by callbacks rather than an async function, so an
 * idle connection holds no suspended frame of the runtime's, only its handler's. A connection is
 * a driver that says what each event does; a base class rather than a part, so that an idle
 * connection holds one object less.
 */
export abstract class Driver {
  #iterator: AsyncIterator<Event, unknown, Outcome> | undefined;
  /** Set once the handler must not be resumed: it is finished (`return()`) at the next step. */
  #finishing = false;
  /** The callbacks each step of the iterator settles into. */
  readonly #onResult: (result: IteratorResult<Event, unknown>) => void;
  readonly #onThrown: (error: unknown) => void;

  constructor() {
    // Assigned here, not as field initializers: run through tsx (esbuild's keepNames), those get a
    // `name` defined on each function, which turns it into a dictionary object of 256 bytes.
    this.#onResult = (result) => this.#step(result);
    this.#onThrown = (error) => this.crash(error);
  }

  /** Carries out one yielded event; a throw is thrown back into the handler at its `yield`. */
  abstract perform(event: Event): Outcome | Promise<Outcome>;
  /** The handler returned. */
  abstract complete(): void;
  /** The handler threw (or could not be called). */
  abstract crash(error: unknown): void;

  /** Calls the handler and starts driving what it returns. */
  protected drive(app: Handler, scope: Scope, receiver: AsyncIterable<Message>): void {
    try {
      this.#iterator = app(scope, receiver)[Symbol.asyncIterator]();
    } catch (error) {
      this.crash(error);
      return;
    }
    this.#resume("next");
  }

  /** Finishes the handler after the event being carried out: it closed, or ignored a "dropped". */
  protected finish(): void {
    this.#finishing = true;
  }

  /**
   * Resumes the handler: `next` hands it an event's outcome, `throw` an error at its yield,
   * `return` finishes it (its finally blocks run, and what they yield is still carried out as far
   * as it can be).
   */
  #resume(how: "next" | "throw" | "return", value?: unknown): void {
    const iterator = this.#iterator as AsyncIterator<Event, unknown, Outcome>;
    let result: Promise<IteratorResult<Event, unknown>>;
    try {
      if (how === "next") result = iterator.next(value as Outcome);
      else if (how === "throw") result = iterator.throw?.(value) ?? Promise.reject(value);
      else result = iterator.return?.() ?? Promise.resolve({ done: true, value: undefined });
    } catch (error) {
      this.crash(error);
      return;
    }
    Promise.resolve(result).then(this.#onResult, this.#onThrown);
  }

  /** Carries out the event the handler yielded, then resumes it with the outcome. */
  #step(result: IteratorResult<Event, unknown>): void {
    if (result.done === true) {
      this.complete();
      return;
    }
    let outcome: Outcome | Promise<Outcome>;
    try {
      outcome = this.perform(result.value);
    } catch (error) {
      // A misuse (a second accept, an unoffered subprotocol …) is thrown at the yield, where the
      // handler can see it, and crashes the connection only if uncaught.
      this.#resume("throw", error);
      return;
    }
    if (typeof outcome === "string") this.#continue(outcome);
    else outcome.then((settled) => this.#continue(settled), (error: unknown) => this.#resume("throw", error));
  }

  /** Hands the outcome back, unless the handler is to be finished. */
  #continue(outcome: Outcome): void {
    if (this.#finishing) {
      this.#finishing = false;
      this.#resume("return");
    } else {
      this.#resume("next", outcome);
    }
  }
}
