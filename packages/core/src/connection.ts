import type { AcceptEvent, Event, Message, Outcome } from "./events.js";
import { notAnEvent } from "./events.js";
import { isCloseError } from "./errors.js";
import type { Encoded } from "./frame.js";
import type { Handler } from "./handler.js";
import { Driver } from "./drive.js";
import { Handshake } from "./handshake.js";
import { ponged } from "./heartbeat.js";
import type { Ending } from "./ending.js";
import { reportEnd } from "./ending.js";
import type { CloseCause, CloseInfo } from "./lifecycle.js";
import { Lifecycle } from "./lifecycle.js";
import { joinPath, leavePath, Membership, publish } from "./membership.js";
import { Outbox } from "./outbox.js";
import type { ReceiverControl } from "./receiver.js";
import { Receiver } from "./receiver.js";
import type { RuntimeContext, Tracked } from "./runtime-context.js";
import type { Scope } from "./scope.js";
import type { Subscriber } from "./topics.js";
import type { PendingUpgrade, SocketEvents } from "./transport.js";

type State = "handshake" | "open" | "closing" | "closed";

/**
 * One connection: its state from handshake to closed, the events its handler yields carried out,
 * the socket's events fed to the receiver, and the end-of-connection hooks run exactly once. The
 * handler's iterator is run by the {@link Driver} it extends; its parts live beside it: the
 * {@link Handshake} until decided, the {@link Outbox} once open, the {@link Membership} of topics
 * once it subscribes.
 */
export class Connection extends Driver implements SocketEvents, Subscriber, ReceiverControl, Tracked {
  readonly scope: Scope;
  readonly #runtime: RuntimeContext;
  readonly #lifecycle: Lifecycle;
  /** The client's messages on their way to the handler. */
  readonly receiver: Receiver;
  #handshake: Handshake | undefined;
  #outbox: Outbox | undefined;
  #membership: Membership | undefined;
  #state: State = "handshake";
  #ending: Ending | undefined;
  /** The handler yielded after a "dropped": the next such yield finishes it. */
  #dropped = false;
  pingSentAt = 0;
  lastPong = 0;

  /** `scope` is the one the runtime built for `pending`'s request. */
  constructor(runtime: RuntimeContext, pending: PendingUpgrade, scope: Scope) {
    super();
    this.#runtime = runtime;
    this.scope = scope;
    this.#lifecycle = new Lifecycle(this.scope.id);
    this.receiver = new Receiver<Message>(runtime.options, this);
    this.#handshake = new Handshake(
      pending,
      runtime.options.handshakeTimeout,
      () => this.#abandon(),
      () => this.closed(1006, ""),
    );
  }

  get id(): string {
    return this.scope.id;
  }

  get state(): State {
    return this.#state;
  }

  get isOpen(): boolean {
    return this.#state === "open";
  }

  get bufferedAmount(): number {
    return this.#outbox?.socket.bufferedAmount ?? 0;
  }

  get bytes(): { readonly in: number; readonly out: number } {
    return this.#outbox?.bytes ?? { in: 0, out: 0 };
  }

  start(app: Handler): void {
    this.drive(app, this.scope, this.receiver);
    // Most handlers decide while they are started: only a handshake still undecided is watched.
    this.#handshake?.watch();
  }

  // Driver: what each event the handler yields does.

  perform(event: Event): Outcome | Promise<Outcome> {
    if (typeof event !== "object" || event === null) throw notAnEvent(event);
    if (this.#state === "closing" || this.#state === "closed") return this.#performAfterEnd(event);
    switch (event.type) {
      case "websocket.accept":
        if (this.#state !== "handshake") throw new TypeError("accept(): the handshake was already accepted");
        this.#open(event);
        return (this.#state as State) === "open" ? "accepted" : "dropped";
      case "websocket.reject":
        if (this.#state !== "handshake") {
          throw new TypeError("reject() after the handshake was accepted: yield close(code, reason) instead");
        }
        this.finish();
        this.#refuse(event.status, event.body, event.headers, { cause: "server", code: 1006, reason: "" });
        return "dropped";
      case "websocket.close":
        this.finish();
        this.#accepted();
        this.#close("server", event.code, event.reason);
        return "dropped";
      case "websocket.send": {
        const data = event.text ?? event.bytes;
        if (data === undefined) throw notAnEvent(event);
        return this.#accepted() ? (this.#outbox as Outbox).send(data) : "dropped";
      }
      case "websocket.subscribe":
        return this.#accepted() ? this.#topics().join(event.topic) : "dropped";
      case "websocket.unsubscribe":
        return this.#accepted() ? this.#topics().leave(event.topic) : "dropped";
      case "websocket.publish":
        return this.#accepted() ? publish(this.#runtime.topics, event, this.id) : "dropped";
      default:
        throw notAnEvent(event);
    }
  }

  /** Accepts the handshake if it is still undecided (implicitly); whether the connection is open. */
  #accepted(): boolean {
    if (this.#state === "handshake") this.#open();
    return this.#state === "open";
  }

  complete(): void {
    this.#accepted();
    this.#close("server", 1000, "");
  }

  /**
   * The handler threw: HTTP 500 before the handshake, close 1011 after it, logged as an error. A
   * `CloseError` closes with its own code instead: it reports the client's fault (bad JSON, a
   * schema violation, a rate limit), counted and logged at debug level at most.
   */
  crash(error: unknown): void {
    const logger = this.#runtime.logger;
    if (isCloseError(error)) {
      this.#runtime.counters.clientFault(error.closeCode);
      logger.debug({ connection: this.id, code: error.closeCode, reason: error.reason }, "closing the connection");
      this.#accepted();
      this.#close("error", error.closeCode, error.reason, error);
      return;
    }
    logger.error({ connection: this.id, path: this.scope.path, err: error }, "handler threw");
    if (this.#state === "handshake") {
      this.#refuse(500, "Internal Server Error", {}, { cause: "error", code: 1006, reason: "", error });
    } else {
      this.#close("error", 1011, "Internal error", error);
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
        return publish(this.#runtime.topics, event, this.id);
      case "websocket.unsubscribe":
        return this.#topics().leave(event.topic);
      case "websocket.close":
      case "websocket.reject":
        this.finish();
        return "dropped";
      default:
        if (this.#dropped) this.finish();
        this.#dropped = true;
        return "dropped";
    }
  }

  #topics(): Membership {
    return (this.#membership ??= new Membership(this.#runtime.topics, this));
  }

  /** Accepts the handshake (explicitly, or implicitly with `event` empty) and starts the outbox. */
  #open(event: Partial<AcceptEvent> = {}): void {
    const socket = this.#handshake?.accept(event, this.scope, this);
    this.#handshake = undefined;
    if (socket === undefined) {
      this.closed(1006, "");
      return;
    }
    const runtime = this.#runtime;
    this.#outbox = new Outbox(socket, runtime);
    this.#state = "open";
    this.lastPong = Date.now();
    runtime.opened(this);
    joinPath(runtime.topics, this, this.scope.path, runtime.logger);
  }

  /** Refuses the handshake with an HTTP response; nothing is upgraded. */
  #refuse(status: number, body: string, headers: Readonly<Record<string, string>> | undefined, ending: Ending): void {
    this.#ending = { ...ending, status };
    this.#handshake?.reject(status, body, headers);
    this.closed(1006, "");
  }

  /** Nothing decided the handshake within handshakeTimeout: answer 503 and give up. */
  #abandon(): void {
    if (this.#state !== "handshake") return;
    this.#runtime.logger.warn({ connection: this.id, path: this.scope.path }, "handshake timed out");
    this.#refuse(503, "Handshake timed out", {}, { cause: "server", code: 1006, reason: "" });
  }

  /** Starts the closing handshake; the socket is terminated if it does not finish in time. */
  #close(cause: CloseCause, code: number, reason: string, error?: unknown): void {
    if (this.#state !== "open") return;
    this.#state = "closing";
    this.#ending = { cause, code, reason, error };
    (this.#outbox as Outbox).close(code, reason);
  }

  /** Server shutdown: the receiver ends, the close frame follows every send already made. */
  shutdown(code: number, reason: string): void {
    if (this.#state === "handshake") {
      this.#refuse(503, "Server is shutting down", {}, { cause: "shutdown", code: 1006, reason: "" });
      return;
    }
    this.receiver.end();
    this.#close("shutdown", code, reason);
  }

  /** Drops the connection without a closing handshake, e.g. when the heartbeat finds it dead. */
  drop(cause: CloseCause): void {
    if (this.#state !== "open" && this.#state !== "closing") return;
    this.#ending ??= { cause, code: 1006, reason: "" };
    this.#outbox?.socket.terminate();
  }

  ping(): void {
    this.#outbox?.socket.ping();
  }

  /** Subscriber: writes a published message straight to the socket, unless this subscriber is too far behind. */
  deliver(message: Encoded): void {
    if (this.#state !== "open") return;
    if (!(this.#outbox as Outbox).deliver(message)) this.#close("backpressure", 1013, "Subscriber too slow");
  }

  // ReceiverControl: what the receiver asks of the connection.

  pause(): void {
    this.#outbox?.socket.pause();
  }

  resume(): void {
    this.#outbox?.socket.resume();
  }

  firstRead(): void {
    this.#accepted();
  }

  // SocketEvents: what the transport reports.

  message(data: Message): void {
    const counters = this.#runtime.counters;
    counters.messagesIn++;
    if (!this.receiver.push(data)) counters.messagesDiscarded++;
  }

  pong(): void {
    ponged(this);
  }

  protocolError(error: Error, code: number): void {
    this.#ending ??= { cause: "error", code, reason: "", error };
    this.#runtime.counters.clientFault(code);
    this.#runtime.logger.debug({ connection: this.id, code, err: error.message }, "client broke the protocol; closing");
  }

  closed(code: number, reason: string): void {
    if (this.#state === "closed") return;
    const wasOpen = this.#state !== "handshake";
    this.#state = "closed";
    this.#handshake?.cancel();
    this.#handshake = undefined;
    this.receiver.end();
    this.#outbox?.fail();
    const runtime = this.#runtime;
    if (wasOpen) leavePath(runtime.topics, this, this.scope.path);
    this.#membership?.leaveAll();
    const info: CloseInfo = this.#ending ?? { code, reason, cause: "client" };
    const bytes = this.bytes;
    this.#outbox = undefined;
    reportEnd(runtime, this, this.#lifecycle, info, bytes, wasOpen);
  }
}
