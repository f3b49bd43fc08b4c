import type { AcceptEvent, Message, Outcome, PublishEvent } from "./events.js";
import { isCloseError } from "./errors.js";
import type { Encoded } from "./frame.js";
import type { Handler } from "./handler.js";
import { Drain } from "./drain.js";
import type { State } from "./perform.js";
import { Performer } from "./perform.js";
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

/**
 * One connection: its state from handshake to closed, the events its handler yields carried out,
 * the socket's events fed to the receiver, and the end-of-connection hooks run exactly once. The
 * handler's iterator is run by the {@link Performer} it extends; its parts live beside it: the
 * {@link Handshake} until decided, the {@link Outbox} once open, the {@link Membership} of topics
 * once it subscribes.
 */
export class Connection extends Performer implements SocketEvents, Subscriber, ReceiverControl, Tracked {
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
  /** How it closes once the handler has read what was queued: a shutdown, or a protocol error. */
  #draining: Drain | undefined;
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

  protected accepted(): boolean {
    if (this.#state === "handshake") this.open();
    return this.#state === "open";
  }

  complete(): void {
    this.accepted();
    if (this.#draining === undefined) this.closeWith("server", 1000, "");
    else this.drained();
  }

  /**
   * The handler threw: HTTP 500 before the handshake, close 1011 after it, logged as an error. A
   * `CloseError` closes with its own code instead: it reports the client's fault (bad JSON, a
   * schema violation, a rate limit), counted and logged at debug level at most.
   */
  crash(error: unknown): void {
    const { logger, counters } = this.#runtime;
    if (isCloseError(error)) {
      counters.clientFault(error.closeCode);
      logger.debug({ connection: this.id, code: error.closeCode, reason: error.reason }, "closing the connection");
      this.accepted();
      return this.closeWith("error", error.closeCode, error.reason, error);
    }
    logger.error({ connection: this.id, path: this.scope.path, err: error }, "handler threw");
    if (this.#state !== "handshake") return this.closeWith("error", 1011, "Internal error", error);
    this.refuse(500, "Internal Server Error", {}, { cause: "error", code: 1006, reason: "", error });
  }

  protected send(data: Message): Outcome | Promise<Outcome> {
    return (this.#outbox as Outbox).send(data);
  }

  protected publish(event: PublishEvent): Outcome | Promise<Outcome> {
    return publish(this.#runtime.topics, event, this.id);
  }

  protected topics(): Membership {
    return (this.#membership ??= new Membership(this.#runtime.topics, this));
  }

  /** Accepts the handshake (explicitly, or implicitly with `event` empty) and starts the outbox. */
  protected open(event: Partial<AcceptEvent> = {}): void {
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
    joinPath(runtime.topics, this, this.scope.path);
  }

  /** Refuses the handshake with an HTTP response; nothing is upgraded. */
  protected refuse(status: number, body: string, headers: Readonly<Record<string, string>> | undefined, ending: Ending): void {
    this.#ending = { ...ending, status };
    this.#handshake?.reject(status, body, headers);
    this.closed(1006, "");
  }

  /** Nothing decided the handshake within handshakeTimeout: answer 503 and give up. */
  #abandon(): void {
    if (this.#state !== "handshake") return;
    this.#runtime.logger.warn({ connection: this.id, path: this.scope.path }, "handshake timed out");
    this.refuse(503, "Handshake timed out", {}, { cause: "server", code: 1006, reason: "" });
  }

  /** Starts the closing handshake; the socket is terminated if it does not finish in time. */
  protected closeWith(cause: CloseCause, code: number, reason: string, error?: unknown): void {
    if (this.#state !== "open") return;
    this.#state = "closing";
    this.#ending = { cause, code, reason, error };
    (this.#outbox as Outbox).close(code, reason);
  }

  /** Server shutdown: the socket is no longer read, and the close frame follows the answers to what was. */
  shutdown(code: number, reason: string): void {
    if (this.#state === "handshake") {
      this.refuse(503, "Server is shutting down", {}, { cause: "shutdown", code: 1006, reason: "" });
      return;
    }
    if (this.#state !== "open" || this.#draining !== undefined) return;
    (this.#outbox as Outbox).socket.pause();
    this.#drain({ cause: "shutdown", code, reason });
  }

  #drain(ending: Ending, timeout?: number): void {
    (this.#draining = new Drain(ending)).start(this.receiver, () => this.drained(), timeout);
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
    if (!(this.#outbox as Outbox).deliver(message)) this.closeWith("backpressure", 1013, "Subscriber too slow");
  }

  // ReceiverControl: what the receiver asks of the connection.

  pause(): void {
    this.#outbox?.socket.pause();
  }

  resume(): void {
    if (this.#draining === undefined) this.#outbox?.socket.resume();
  }

  firstRead(): void {
    this.accepted();
  }

  /** Draining, the handler has answered what was queued (or it has been waited for long enough). */
  drained(): void {
    if (this.#draining === undefined || this.#state !== "open") return;
    this.#draining.stop();
    // Read again, for the client's close frame.
    (this.#outbox as Outbox).socket.resume();
    const { cause, code, reason, error } = this.#draining.ending;
    this.closeWith(cause, code, reason, error);
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

  /** The transport stopped reading at a bad frame: the handler answers what came before, then `code` closes. */
  protocolError(error: Error, code: number): void {
    const { counters, logger, options } = this.#runtime;
    counters.clientFault(code);
    logger.debug({ connection: this.id, code, err: error.message }, "client broke the protocol; closing");
    const ending: Ending = { cause: "error", code, reason: "", error };
    if (this.#state === "open" && this.#draining === undefined) this.#drain(ending, options.closeTimeout / 2);
    else this.#ending ??= ending;
  }

  closed(code: number, reason: string): void {
    if (this.#state === "closed") return;
    const wasOpen = this.#state !== "handshake";
    this.#state = "closed";
    this.#draining?.stop();
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
