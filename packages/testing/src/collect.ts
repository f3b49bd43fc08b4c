import type { CloseInfo, Event, Handler, Message, Outcome, RequestInfo, Scope } from "@scallion/core";
import { createScope, Lifecycle } from "@scallion/core";

/** What {@link testScope} may set; anything else a middleware would add goes in `extra`. */
export interface TestScopeOptions {
  /** Path and query string. Default "/". */
  url?: string;
  /** Request headers; names are lower-cased. */
  headers?: Record<string, string>;
  /** Subprotocols the client offers (sets `sec-websocket-protocol`). */
  subprotocols?: string[];
  /** Default "127.0.0.1". */
  address?: string;
  params?: Record<string, string>;
}

/**
 * A scope as the runtime would build it for that request, with its own abort signal and
 * lifecycle, so `hooks()`/`websocket()` options work in {@link collect}. Spread it to add what a
 * middleware would (`{ ...testScope(), user }`).
 */
export function testScope(options: TestScopeOptions = {}): Scope {
  const { url = "/", headers = {}, subprotocols = [], address = "127.0.0.1", params = {} } = options;
  const lower: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) lower[name.toLowerCase()] = value;
  if (subprotocols.length > 0) lower["sec-websocket-protocol"] = subprotocols.join(", ");
  const request: RequestInfo = { url, headers: lower, address };
  const controller = new AbortController();
  const scope = createScope(request, controller, new Lifecycle());
  return { ...scope, params };
}

/** Options of {@link collect}. */
export interface CollectOptions {
  /** What each `yield` evaluates to. Default: "accepted" for accept, "sent" for send. */
  outcome?: (event: Event) => Outcome;
  /** Stop with an error after this many events: a handler that never ends. Default 10,000. */
  limit?: number;
}

// Core's registered symbols: the receiver mark merge() and websocket() look for, and the key of a
// scope's lifecycle. Core does not export them; Symbol.for() names the same symbols.
const kReceiver = Symbol.for("scallion.receiver");
const kLifecycle = Symbol.for("scallion.lifecycle");

/**
 * Runs `handler` without a runtime or a socket: it reads `inputs` from its receiver, which then
 * ends as if the client had closed, and the events it yields are returned in order (exactly
 * those: the runtime's implicit accept and closing 1000 are not added). A `close` or `reject`
 * finishes the generator, its `finally` blocks run; `scope.signal` is aborted at the end and
 * `onDisconnect`/`onClose` hooks run as the runtime would run them. A throw rejects with the error.
 *
 * @example
 * expect(await collect(shout, testScope(), ["hi", "exit"])).toEqual([
 *   send("@ECHO: hi"), send("@ECHO: exit"), send("bye"), close(1001, "bye"),
 * ]);
 */
export async function collect<S extends Scope = Scope, In = Message>(
  handler: Handler<S, In>,
  scope: S = testScope() as S,
  inputs: Iterable<In> | AsyncIterable<In> = [],
  options: CollectOptions = {},
): Promise<Event[]> {
  const { outcome = defaultOutcome, limit = 10_000 } = options;
  const abort = new AbortController();
  // A fresh signal and lifecycle per run, so one scope can serve several collect() calls.
  const lifecycle = new Lifecycle();
  const ownScope = { ...scope, signal: abort.signal, [kLifecycle]: lifecycle } as S;
  const receiver = new ScriptedReceiver(inputs);
  const events: Event[] = [];
  let info: CloseInfo = { code: 1000, reason: "", cause: "server" };
  let failure: { error: unknown } | undefined;
  const iterator = handler(ownScope, receiver as unknown as AsyncIterable<In>)[Symbol.asyncIterator]();
  try {
    let result = await iterator.next();
    while (!result.done) {
      const event = result.value;
      events.push(event);
      if (events.length > limit) {
        await iterator.return?.();
        throw new Error(`collect(): the handler yielded more than ${limit} events`);
      }
      if (event.type === "websocket.close" || event.type === "websocket.reject") {
        info =
          event.type === "websocket.close"
            ? { code: event.code, reason: event.reason, cause: "server" }
            : { code: 1006, reason: "", cause: "server", status: event.status };
        await iterator.return?.();
        break;
      }
      result = await iterator.next(outcome(event));
    }
    if (result.done && receiver.ended) info = { code: 1005, reason: "", cause: "client" };
  } catch (error) {
    failure = { error };
    info = { code: 1011, reason: "Internal error", cause: "error", error };
  } finally {
    abort.abort();
  }
  await lifecycle.end(info, (error) => {
    failure ??= { error };
  });
  if (failure !== undefined) throw failure.error;
  return events;
}

function defaultOutcome(event: Event): Outcome {
  return event.type === "websocket.accept" ? "accepted" : event.type === "websocket.send" ? "sent" : "dropped";
}

/**
 * The receiver collect() hands the handler: the scripted inputs, then the end. It carries the
 * runtime's receiver mark, so `merge()` ends with it as it would on a real connection.
 */
class ScriptedReceiver<T> implements AsyncIterableIterator<T> {
  readonly [kReceiver] = true;
  readonly #inputs: AsyncIterator<T> | Iterator<T>;
  ended = false;

  constructor(inputs: Iterable<T> | AsyncIterable<T>) {
    this.#inputs = Symbol.asyncIterator in inputs ? inputs[Symbol.asyncIterator]() : inputs[Symbol.iterator]();
  }

  async next(): Promise<IteratorResult<T>> {
    if (this.ended) return { done: true, value: undefined };
    const result = await this.#inputs.next();
    if (result.done) this.ended = true;
    return result.done ? { done: true, value: undefined } : result;
  }

  /** A push-only handler (see core's `websocket()`) will not read: the inputs are dropped. */
  discard(): void {
    this.ended = true;
  }

  /** Like the runtime's receiver, a `break` leaves it readable. */
  async return(): Promise<IteratorResult<T>> {
    return { done: true, value: undefined };
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}
