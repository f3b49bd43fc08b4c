import type { Event, Message, Outcome, PublishEvent } from "./events.js";
import type { Handler } from "./handler.js";
import type { CloseCause, CloseInfo } from "./lifecycle.js";
import { isCloseError } from "./errors.js";
import { Lifecycle } from "./lifecycle.js";
import type { ReceiverControl } from "./receiver.js";
import { Receiver } from "./receiver.js";
import type { RuntimeContext } from "./runtime-context.js";
import type { Scope } from "./scope.js";
import { createScope } from "./scope.js";
import type { Encoded, Subscriber } from "./topics.js";
import { INTERNAL_PREFIX } from "./topics.js";
import type { PendingUpgrade, SocketEvents, TransportSocket } from "./transport.js";

type State = "handshake" | "open" | "closing" | "closed";

/** Why the server ended a connection, recorded when it decides, reported when the socket is gone. */
interface Ending {
  readonly cause: CloseCause;
  readonly code: number;
  readonly reason: string;
  readonly error?: unknown;
  readonly status?: number;
}

/**
 * One connection: drives the handler's iterator, carries out each event it yields, feeds the
 * receiver from the socket and runs the end-of-connection hooks exactly once.
 */
export class Connection implements SocketEvents, Subscriber, ReceiverControl {
  readonly scope: Scope;
  readonly #runtime: RuntimeContext;
  /** The upgrade request, until the handshake is decided (then dropped, with what it holds). */
  #pending: PendingUpgrade | undefined;
  readonly #receiver: Receiver;
  #abort: AbortController | undefined;
  readonly #lifecycle = new Lifecycle();
  #state: State = "handshake";
  #socket: TransportSocket | undefined;
  #ending: Ending | undefined;
  #timer: NodeJS.Timeout | undefined;
  #drained: ((outcome: Outcome) => void) | undefined;
  /** Set once the generator must not be resumed: it yielded close/reject, or ignored a "dropped". */
  #stop = false;
  #dropped = false;
  /** Topics this connection joined, so they can be left when it ends. */
  #topics: Set<string> | undefined;
  #pingSentAt = 0;
  #lastPong = 0;
  #iterator: AsyncIterator<Event, unknown, Outcome> | undefined;
  /** The callbacks each step of the handler's iterator settles into. */
  readonly #onResult: (result: IteratorResult<Event, unknown>) => void;
  readonly #onThrown: (error: unknown) => void;

  constructor(runtime: RuntimeContext, pending: PendingUpgrade) {
    this.#runtime = runtime;
    this.#pending = pending;
    this.scope = createScope(pending.request, this, this.#lifecycle, runtime.options.trustProxy);
    this.#receiver = new Receiver<Message>(runtime.options.maxQueue, this);
    // Assigned here, not as field initializers: run through tsx (esbuild's keepNames), those get a
    // `name` defined on each function, which turns it into a dictionary object of 256 bytes.
    this.#onResult = (result) => this.#step(result);
    this.#onThrown = (error) => this.#crash(error);
  }

  /** The connection's abort signal, made when a handler first reads `scope.signal`. */
  get signal(): AbortSignal {
    if (this.#abort === undefined) {
      this.#abort = new AbortController();
      if (this.#state === "closed") this.#abort.abort();
    }
    return this.#abort.signal;
  }

  // ReceiverControl: what the receiver asks of the connection.

  pause(): void {
    this.#socket?.pause();
  }

  resume(): void {
    this.#socket?.resume();
  }

  firstRead(): void {
    if (this.#state === "handshake") this.#open();
  }

  get id(): string {
    return this.scope.id;
  }

  get state(): State {
    return this.#state;
  }

  /** Messages waiting in the receiver's queue. */
  get queued(): number {
    return this.#receiver.queued;
  }

  /** Bytes sent and not yet written to the network. */
  get bufferedAmount(): number {
    return this.#socket?.bufferedAmount ?? 0;
  }

  /** Wire bytes read and written so far. */
  get bytes(): { readonly in: number; readonly out: number } {
    return { in: this.#socket?.bytesRead ?? 0, out: this.#socket?.bytesWritten ?? 0 };
  }

  start(app: Handler): void {
    const pending = this.#pending as PendingUpgrade;
    pending.onAbort(() => this.closed(1006, ""));
    this.#timer = setTimeout(() => this.#abandon(), this.#runtime.options.handshakeTimeout);
    this.#timer.unref();
    if (app.length < 2) this.#receiver.discard();
    let iterator: AsyncIterator<Event, unknown, Outcome>;
    try {
      iterator = app(this.scope, this.#receiver)[Symbol.asyncIterator]();
    } catch (error) {
      this.#crash(error);
      return;
    }
    this.#iterator = iterator;
    this.#resume("next");
  }

  /**
   * Resumes the handler: `next` hands it an event's outcome, `throw` an error at its yield,
   * `return` finishes it (its finally blocks run, and what they yield is still carried out as far
   * as it can be). Driven by callbacks rather than an async function, so an idle connection holds
   * no suspended frame of the runtime's, only its handler's.
   */
  #resume(how: "next" | "throw" | "return", value?: unknown): void {
    const iterator = this.#iterator as AsyncIterator<Event, unknown, Outcome>;
    let result: Promise<IteratorResult<Event, unknown>>;
    try {
      if (how === "next") result = iterator.next(value as Outcome);
      else if (how === "throw") result = iterator.throw?.(value) ?? Promise.reject(value);
      else result = iterator.return?.() ?? Promise.resolve({ done: true, value: undefined });
    } catch (error) {
      this.#crash(error);
      return;
    }
    Promise.resolve(result).then(this.#onResult, this.#onThrown);
  }

  /** Carries out the event the handler yielded, then resumes it with the outcome. */
  #step(result: IteratorResult<Event, unknown>): void {
    if (result.done === true) {
      this.#complete();
      return;
    }
    let outcome: Outcome | Promise<Outcome>;
    try {
      outcome = this.#perform(result.value);
    } catch (error) {
      // A misuse (a second accept, an unoffered subprotocol …) is thrown at the yield, where the
      // handler can see it, and crashes the connection only if uncaught.
      this.#resume("throw", error);
      return;
    }
    if (typeof outcome === "string") this.#continue(outcome);
    else outcome.then((settled) => this.#continue(settled), (error: unknown) => this.#resume("throw", error));
  }

  /** Hands the outcome back, unless the handler must stop (it closed, or ignored a "dropped"). */
  #continue(outcome: Outcome): void {
    if (this.#stop) {
      this.#stop = false;
      this.#resume("return");
    } else {
      this.#resume("next", outcome);
    }
  }

  #perform(event: Event): Outcome | Promise<Outcome> {
    if (typeof event !== "object" || event === null) throw notAnEvent(event);
    if (this.#state === "closing" || this.#state === "closed") return this.#performAfterEnd(event);
    switch (event.type) {
      case "websocket.send": {
        if (this.#state === "handshake") this.#open();
        if ((this.#state as State) !== "open") return "dropped";
        const data = event.text ?? event.bytes;
        if (data === undefined) throw notAnEvent(event);
        return this.#send(data);
      }
      case "websocket.accept": {
        if (this.#state !== "handshake") throw new TypeError("accept(): the handshake was already accepted");
        const { subprotocol } = event;
        if (subprotocol !== undefined && !this.scope.subprotocols.includes(subprotocol)) {
          throw new TypeError(
            `accept(): subprotocol "${subprotocol}" was not offered by the client (offered: ${
              this.scope.subprotocols.join(", ") || "none"
            })`,
          );
        }
        this.#open(subprotocol, event.headers);
        return (this.#state as State) === "open" ? "accepted" : "dropped";
      }
      case "websocket.reject": {
        if (this.#state !== "handshake") {
          throw new TypeError("reject() after the handshake was accepted: yield close(code, reason) instead");
        }
        this.#stop = true;
        this.#ending = { cause: "server", code: 1006, reason: "", status: event.status };
        this.#decided()?.reject(event.status, event.body, event.headers ?? {});
        this.closed(1006, "");
        return "dropped";
      }
      case "websocket.subscribe":
      case "websocket.unsubscribe": {
        if (this.#state === "handshake") this.#open();
        if ((this.#state as State) !== "open") return "dropped";
        return event.type === "websocket.subscribe" ? this.#join(event.topic) : this.#leave(event.topic);
      }
      case "websocket.publish": {
        if (this.#state === "handshake") this.#open();
        if ((this.#state as State) !== "open") return "dropped";
        return this.#publish(event);
      }
      case "websocket.close": {
        this.#stop = true;
        if (this.#state === "handshake") this.#open();
        this.#close("server", event.code, event.reason);
        return "dropped";
      }
      default:
        throw notAnEvent(event);
    }
  }

  /**
   * The connection is over. Publishing and leaving topics need no socket and are still carried
   * out (a handler's finally block announcing that its user left). Anything else is dropped: the
   * handler learns it from this yield's "dropped", and one that yields again regardless is
   * finished, so an ignored outcome cannot spin forever.
   */
  #performAfterEnd(event: Event): Outcome | Promise<Outcome> {
    switch (event.type) {
      case "websocket.publish":
        return this.#publish(event);
      case "websocket.unsubscribe":
        return this.#leave(event.topic);
      case "websocket.close":
      case "websocket.reject":
        this.#stop = true;
        return "dropped";
      default:
        if (this.#dropped) this.#stop = true;
        this.#dropped = true;
        return "dropped";
    }
  }

  #publish(event: PublishEvent): Promise<Outcome> {
    const data = event.text ?? event.bytes;
    const exclude = event.exceptSelf ? [this.scope.id] : undefined;
    return this.#runtime.topics.publish({ topic: event.topic, data, exclude }).then(() => "published");
  }

  #open(subprotocol?: string, headers?: Readonly<Record<string, string>>): void {
    const socket = this.#decided()?.accept({ subprotocol, headers }, this);
    if (socket === undefined) {
      this.closed(1006, "");
      return;
    }
    this.#socket = socket;
    this.#state = "open";
    this.#lastPong = Date.now();
    this.#runtime.opened(this);
    // Every connection listens to its path's topic, which `broadcast(path, …)` publishes to.
    void this.#runtime.topics.add(INTERNAL_PREFIX + this.scope.path, this)?.catch((error: unknown) =>
      this.#runtime.logger.warn({ connection: this.scope.id, err: error }, "could not join the path's topic"),
    );
  }

  async #join(topic: string): Promise<Outcome> {
    (this.#topics ??= new Set()).add(topic);
    await this.#runtime.topics.join(topic, this);
    return "subscribed";
  }

  async #leave(topic: string): Promise<Outcome> {
    this.#topics?.delete(topic);
    await this.#runtime.topics.leave(topic, this);
    return "unsubscribed";
  }

  /** Writes a published message straight to the socket, unless this subscriber is too far behind. */
  deliver(message: Encoded): void {
    if (this.#state !== "open") return;
    const socket = this.#socket as TransportSocket;
    const runtime = this.#runtime;
    if (socket.bufferedAmount > runtime.options.subscriberBufferLimit) {
      if (runtime.options.slowSubscriber === "skip") runtime.counters.messagesSkipped++;
      else this.#close("backpressure", 1013, "Subscriber too slow");
      return;
    }
    if (socket.sendEncoded) socket.sendEncoded(message);
    else socket.send(message.data);
    runtime.counters.messagesOut++;
  }

  #send(data: Message): Outcome | Promise<Outcome> {
    const socket = this.#socket as TransportSocket;
    const highWaterMark = this.#runtime.options.highWaterMark;
    this.#runtime.counters.messagesOut++;
    // A write callback costs Node's stream machinery some work per message, so ask for one only
    // when this send may cross the mark (UTF-8 takes at most 3 bytes per UTF-16 unit, and a
    // frame header at most 14 bytes): below it, the send is done as soon as it is handed over.
    const mostBytes = (typeof data === "string" ? 3 * data.length : data.length) + 14;
    if (socket.bufferedAmount + mostBytes <= highWaterMark) {
      socket.send(data);
      return "sent";
    }
    socket.send(data, (error) => this.#written(error));
    if (socket.bufferedAmount <= highWaterMark) return "sent";
    return new Promise((resolve) => (this.#drained = resolve));
  }

  /**
   * Runs as each send is written out: a handler paused by backpressure resumes once the socket is
   * below the mark again, or learns that its message was dropped with the connection.
   */
  #written(error?: Error | null): void {
    const drained = this.#drained;
    if (drained === undefined || this.#socket === undefined) return;
    const failed = error !== undefined && error !== null;
    if (!failed && this.#socket.bufferedAmount > this.#runtime.options.highWaterMark) return;
    this.#drained = undefined;
    drained(failed ? "dropped" : "sent");
  }

  /** The generator returned: close 1000 (accepting first if it never decided). */
  #complete(): void {
    if (this.#state === "handshake") this.#open();
    this.#close("server", 1000, "");
  }

  /** The pending upgrade, handed out once to be accepted or refused; the handshake timer stops. */
  #decided(): PendingUpgrade | undefined {
    const pending = this.#pending;
    this.#pending = undefined;
    this.#clearTimer();
    return pending;
  }

  #clearTimer(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** Starts the closing handshake; the socket is terminated if it does not finish in time. */
  #close(cause: CloseCause, code: number, reason: string, error?: unknown): void {
    if (this.#state !== "open") return;
    this.#state = "closing";
    this.#ending = { cause, code, reason, error };
    const socket = this.#socket as TransportSocket;
    socket.close(code, reason);
    this.#timer = setTimeout(() => socket.terminate(), this.#runtime.options.closeTimeout);
    this.#timer.unref();
  }

  /**
   * The handler threw: HTTP 500 before the handshake, close 1011 after it. A `CloseError` closes
   * with its own code instead: it reports the client's fault, not the server's.
   */
  #crash(error: unknown): void {
    if (isCloseError(error)) {
      this.#runtime.logger.info(
        { connection: this.scope.id, code: error.closeCode, reason: error.reason },
        "closing the connection",
      );
      if (this.#state === "handshake") this.#open();
      this.#close("error", error.closeCode, error.reason, error);
      return;
    }
    this.#logCrash(error);
    if (this.#state === "handshake") {
      this.#ending = { cause: "error", code: 1006, reason: "", error, status: 500 };
      this.#decided()?.reject(500, "Internal Server Error", {});
      this.closed(1006, "");
    } else {
      this.#close("error", 1011, "Internal error", error);
    }
  }

  #logCrash(error: unknown): void {
    this.#runtime.logger.error({ connection: this.scope.id, path: this.scope.path, err: error }, "handler threw");
  }

  /** Nothing decided the handshake within handshakeTimeout: answer 503 and give up. */
  #abandon(): void {
    if (this.#state !== "handshake") return;
    this.#runtime.logger.warn({ connection: this.scope.id, path: this.scope.path }, "handshake timed out");
    this.#ending = { cause: "server", code: 1006, reason: "", status: 503 };
    this.#decided()?.reject(503, "Handshake timed out", {});
    this.closed(1006, "");
  }

  /** Server shutdown: the receiver ends, the close frame follows every send already made. */
  shutdown(code: number, reason: string): void {
    if (this.#state === "handshake") {
      this.#ending = { cause: "shutdown", code: 1006, reason: "", status: 503 };
      this.#decided()?.reject(503, "Server is shutting down", {});
      this.closed(1006, "");
      return;
    }
    this.#receiver.end();
    this.#close("shutdown", code, reason);
  }

  /** Drops the connection without a closing handshake, e.g. when the heartbeat finds it dead. */
  drop(cause: CloseCause): void {
    if (this.#state !== "open" && this.#state !== "closing") return;
    this.#ending ??= { cause, code: 1006, reason: "" };
    this.#socket?.terminate();
  }

  /** Called by the runtime's heartbeat timer: pings an idle connection, drops a silent one. */
  heartbeat(now: number, interval: number, timeout: number | null): void {
    if (this.#state !== "open") return;
    if (this.#pingSentAt !== 0) {
      if (timeout !== null && now - this.#pingSentAt >= timeout) this.drop("heartbeat");
      return;
    }
    if (now - this.#lastPong >= interval) {
      this.#pingSentAt = now;
      this.#socket?.ping();
    }
  }

  // SocketEvents: what the transport reports.

  message(data: Message): void {
    const counters = this.#runtime.counters;
    counters.messagesIn++;
    if (!this.#receiver.push(data)) counters.messagesDiscarded++;
  }

  pong(): void {
    this.#pingSentAt = 0;
    this.#lastPong = Date.now();
  }

  protocolError(error: Error, code: number): void {
    this.#ending ??= { cause: "error", code, reason: "", error };
    this.#runtime.logger.warn(
      { connection: this.scope.id, code, err: error.message },
      "client broke the protocol; closing",
    );
  }

  closed(code: number, reason: string): void {
    if (this.#state === "closed") return;
    const wasOpen = this.#state !== "handshake";
    this.#state = "closed";
    this.#pending = undefined;
    this.#clearTimer();
    this.#receiver.end();
    this.#abort?.abort();
    this.#drained?.("dropped");
    this.#drained = undefined;
    if (wasOpen) void this.#runtime.topics.remove(INTERNAL_PREFIX + this.scope.path, this)?.catch(() => {});
    if (this.#topics !== undefined) {
      for (const topic of this.#topics) void this.#runtime.topics.leave(topic, this).catch(() => {});
      this.#topics = undefined;
    }
    const ending = this.#ending;
    const info: CloseInfo = ending ?? { code, reason, cause: "client" };
    const counters = this.#runtime.counters;
    const bytes = this.bytes;
    counters.bytesIn += bytes.in;
    counters.bytesOut += bytes.out;
    this.#socket = undefined;
    if (info.status !== undefined) counters.rejectedWith(info.status);
    else counters.closes[info.cause]++;
    this.#lifecycle
      .end(info, (error, hook) =>
        this.#runtime.logger.error({ connection: this.scope.id, err: error }, `${hook} hook threw`),
      )
      .finally(() => this.#runtime.ended(this, wasOpen))
      .catch(() => {});
  }
}

function notAnEvent(value: unknown): TypeError {
  let shown: string;
  try {
    shown = JSON.stringify(value) ?? String(value);
  } catch {
    shown = String(value);
  }
  return new TypeError(`handler yielded ${shown.slice(0, 100)}, which is not an event: yield send(…), close(…) …`);
}
