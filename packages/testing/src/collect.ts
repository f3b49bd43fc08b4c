import type { CloseInfo, Event, Handler, Message, Outcome, Scope } from "@scallion/core";
import type { RequestInfo } from "@scallion/core/transport";
import { createScope, Lifecycle, Receiver } from "@scallion/core/transport";

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
 * A scope as the runtime would build it for that request, with a signal of its own (aborted by
 * nobody), for {@link collect} or for calling a handler by hand. Add what a middleware would with
 * a spread, `{ ...testScope(), user }`, or with core's `extendScope`: both work here.
 */
export function testScope(options: TestScopeOptions = {}): Scope {
  const { url = "/", headers = {}, subprotocols = [], address = "127.0.0.1", params = {} } = options;
  const lower: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) lower[name.toLowerCase()] = value;
  if (subprotocols.length > 0) lower["sec-websocket-protocol"] = subprotocols.join(", ");
  const request: RequestInfo = { url, headers: lower, address };
  const scope = createScope(request);
  return { ...scope, params, signal: new AbortController().signal };
}

/** Options of {@link collect}. */
export interface CollectOptions {
  /** What each `yield` evaluates to. Default: what the runtime answers an open connection ("sent", "subscribed" …). */
  outcome?: (event: Event) => Outcome;
  /** Stop with an error after this many events: a handler that never ends. Default 10,000. */
  limit?: number;
}

/**
 * Runs `handler` without a runtime or a socket: it reads `inputs` from a receiver of the
 * runtime's own kind, which then ends as if the client had closed, and the events it yields are returned in order (exactly
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
  // A fresh signal and lifecycle per run, so one scope can serve several collect() calls in turn.
  const lifecycle = new Lifecycle(scope.id);
  const ownScope = { ...scope, signal: lifecycle.signal };
  const script = new Script(inputs);
  const events: Event[] = [];
  let info: CloseInfo = { code: 1000, reason: "", cause: "server" };
  let failure: { error: unknown } | undefined;
  try {
    const iterator = handler(ownScope, script.receiver)[Symbol.asyncIterator]();
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
    if (result.done && script.ended) info = { code: 1005, reason: "", cause: "client" };
  } catch (error) {
    failure = { error };
    info = { code: 1011, reason: "Internal error", cause: "error", error };
  }
  script.receiver.end();
  failure ??= script.failure;
  await lifecycle.end(info, (error) => {
    failure ??= { error };
  });
  if (failure !== undefined) throw failure.error;
  return events;
}

function defaultOutcome(event: Event): Outcome {
  return OUTCOMES[event.type];
}

const OUTCOMES: Readonly<Record<Event["type"], Outcome>> = {
  "websocket.accept": "accepted",
  "websocket.send": "sent",
  "websocket.subscribe": "subscribed",
  "websocket.unsubscribe": "unsubscribed",
  "websocket.publish": "published",
  "websocket.close": "dropped",
  "websocket.reject": "dropped",
};

/** The script keeps one input queued ahead of the handler, whatever its size. */
const ONE_AHEAD = { maxQueue: 1, maxQueueBytes: Infinity };

/**
 * The inputs, fed to a receiver of the runtime's kind as the handler reads them (one ahead), so
 * `merge()` ends with it and a push-only handler discards them, as on a real connection.
 */
class Script<T> {
  readonly receiver: Receiver<T>;
  /** Every input was handed over and the receiver finished. */
  ended = false;
  /** What reading the inputs threw: collect() rejects with it. */
  failure: { error: unknown } | undefined;
  readonly #inputs: Iterable<T> | AsyncIterable<T>;
  #resume: (() => void) | undefined;

  constructor(inputs: Iterable<T> | AsyncIterable<T>) {
    this.#inputs = inputs;
    this.receiver = new Receiver<T>(ONE_AHEAD, {
      pause: () => {},
      resume: () => this.#resume?.(),
      firstRead: () =>
        void this.#feed().catch((error: unknown) => {
          this.failure = { error };
          this.receiver.end();
        }),
    });
  }

  async #feed(): Promise<void> {
    for await (const input of this.#inputs) {
      if (!this.receiver.push(input)) return;
      if (this.receiver.queued > 0) await new Promise<void>((resolve) => (this.#resume = resolve));
    }
    this.ended = true;
    this.receiver.finish();
  }
}
