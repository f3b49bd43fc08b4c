import { Emitter } from "./_emitter.js";
import { Handshakes } from "./_handshakes.js";
import { Positions } from "./_positions.js";
import { pingPolicy, reconnectPolicy } from "./_settings.js";
import { PushIterator } from "./_stream.js";
import { Watchdog } from "./_watchdog.js";
import { backoffDelay } from "./backoff.js";
import { ClientError } from "./errors.js";
import type { ClientOptions, PingOptions, ReconnectOptions } from "./options.js";
import { checkClientOptions } from "./options.js";
import { BoundedQueue } from "./queue.js";
import type { Schema } from "./schema.js";
import { parseIncoming } from "./schema.js";
import type { ClientEvents, ClientState, CloseInfo, SendOutcome, StateChange } from "./state.js";
import { resolveUrl } from "./url.js";
import type { Message, Sendable, WebSocketConstructor, WebSocketLike, WebSocketProvider } from "./websocket.js";

export type { ClientEvents, ClientState, CloseInfo, GapInfo, ResumeInfo, SendOutcome, StateChange } from "./state.js";

const noop = (): void => {};

const OPEN = 1;
const CLOSED = 3;
/** How long `close()` waits for the socket's closing handshake before letting go of it. */
const CLOSE_GRACE = 1_000;

/**
 * A connection that keeps itself up: see `createClient`. `In` is what it receives; `Out` what
 * `send` takes (`never` without an `outgoing` schema: raw text or bytes, and any JSON for `sendJson`).
 */
export class Client<In = Message, Out = never> implements AsyncIterable<In> {
  /** The resolved `ws:`/`wss:` URL. */
  readonly url: string;
  /** Resolves once the client is `closed`, with why. Never rejects. */
  readonly closed: Promise<CloseInfo>;
  #options: ClientOptions<Schema | undefined, Schema | undefined>;
  #reconnect: Required<ReconnectOptions> | undefined;
  #watchdog: Watchdog;
  #pong: Required<PingOptions>["pong"] | undefined;
  #handshakes = new Handshakes();
  #WebSocket: () => WebSocketConstructor | Promise<WebSocketConstructor>;
  #events = new Emitter<ClientEvents<In>>();
  #queue: BoundedQueue<string | ArrayBuffer | ArrayBufferView>;
  #positions: Positions;
  #state: ClientState = "connecting";
  #socket: WebSocketLike | undefined;
  #attempt = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #stableTimer: ReturnType<typeof setTimeout> | undefined;
  #settle!: (info: CloseInfo) => void;

  /** Prefer `createClient`; `provider` finds a WebSocket class when neither the options nor the platform have one. */
  constructor(target: string | URL, options: ClientOptions<Schema | undefined, Schema | undefined> = {}, provider?: WebSocketProvider) {
    checkClientOptions(options);
    this.url = resolveUrl(target, options);
    this.#options = options;
    this.#reconnect = reconnectPolicy(options.reconnect);
    const ping = pingPolicy(options);
    this.#pong = ping?.pong;
    this.#watchdog = new Watchdog(options.idleTimeout, ping);
    this.#queue = new BoundedQueue(options.maxQueue ?? 100);
    this.#positions = new Positions(this.url, options.resume ?? true, {
      resume: (info) => this.#events.emit("resume", info),
      gap: (info) => this.#events.emit("gap", info),
    });
    const fixed = options.WebSocket;
    if (fixed === undefined && provider === undefined) {
      throw new ClientError("SCALLION_INVALID_OPTION", "createClient(): this platform has no WebSocket; pass options.WebSocket");
    }
    this.#WebSocket = fixed === undefined ? () => provider!({ headers: options.headers }) : () => fixed;
    this.closed = new Promise((resolve) => (this.#settle = resolve));
    // Start on the next turn, so listeners added right after createClient() see "connecting".
    queueMicrotask(() => this.#connect());
  }

  /** The current state. */
  get state(): ClientState {
    return this.#state;
  }

  /** Messages waiting for the next connection. */
  get queued(): number {
    return this.#queue.size;
  }

  /** Adds a listener; returns a function that removes it. */
  on<K extends keyof ClientEvents<In>>(event: K, listener: (...args: ClientEvents<In>[K]) => void): () => void {
    return this.#events.on(event, listener);
  }

  /** Removes a listener added with {@link on}. */
  off<K extends keyof ClientEvents<In>>(event: K, listener: (...args: ClientEvents<In>[K]) => void): void {
    this.#events.off(event, listener);
  }

  /**
   * Sends `message`: at once when open, otherwise after the next connection opens, in order and
   * at most once. With an `outgoing` schema it is checked and sent as JSON. Throws a
   * {@link ClientError}: `SCALLION_QUEUE_FULL` when `maxQueue` messages already wait,
   * `SCALLION_CLIENT_CLOSED` once closed, `SCALLION_INVALID_MESSAGE` when the schema refuses it.
   */
  send(message: [Out] extends [never] ? Sendable : Out): SendOutcome {
    if (this.#options.outgoing === undefined) return this.#transmit(message as Sendable);
    return this.sendJson(message as [Out] extends [never] ? unknown : Out);
  }

  /** Sends `value` as JSON text, checked against the `outgoing` schema if there is one; see {@link send}. */
  sendJson(value: [Out] extends [never] ? unknown : Out): SendOutcome {
    const schema = this.#options.outgoing;
    if (schema !== undefined) {
      const result = schema.safeParse(value);
      if (!result.success) {
        throw new ClientError("SCALLION_INVALID_MESSAGE", "send(): the outgoing schema refused this message", { cause: result.error, data: value });
      }
    }
    return this.#transmit(JSON.stringify(value));
  }

  /**
   * Closes for good (state `closed` at once; no reconnect). Resolves when the socket has closed,
   * or after a second at most. Codes other than 1000 must be in 3000–4999, as in browsers.
   */
  close(code = 1000, reason = ""): Promise<void> {
    if (code !== 1000 && !(code >= 3000 && code <= 4999)) {
      throw new ClientError("SCALLION_INVALID_OPTION", `close(): code ${code} is not 1000 or in 3000–4999`);
    }
    const socket = this.#socket;
    this.#finish(code, reason);
    if (socket === undefined || socket.readyState === CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        (socket as { terminate?: () => void }).terminate?.();
        resolve();
      }, CLOSE_GRACE);
      socket.onclose = () => {
        clearTimeout(timer);
        resolve();
      };
      socket.close(code, reason);
    });
  }

  /** Resolves when the client is next `open` (at once if it is); rejects once it is `closed`. */
  opened(): Promise<void> {
    if (this.#state === "open") return Promise.resolve();
    if (this.#state === "closed") return Promise.reject(new ClientError("SCALLION_CLIENT_CLOSED", "the client is closed"));
    return new Promise((resolve, reject) => {
      const off = this.on("state", (change) => {
        const { state } = change;
        if (state === "open") resolve();
        else if (state === "closed") reject(change.error ?? new ClientError("SCALLION_CLIENT_CLOSED", "the client closed before it opened"));
        else return;
        off();
      });
    });
  }

  /** Messages from now until the client closes; several loops may read at once, each gets every message. */
  [Symbol.asyncIterator](): AsyncIterableIterator<In, undefined, undefined> {
    const offs: (() => void)[] = [];
    const iterator = new PushIterator<In>(() => offs.forEach((off) => off()));
    if (this.#state === "closed") iterator.end();
    else offs.push(this.on("message", (m) => iterator.push(m)), this.on("closed", () => iterator.end()));
    return iterator;
  }

  #transmit(frame: Sendable): SendOutcome {
    if (this.#state === "closed") throw new ClientError("SCALLION_CLIENT_CLOSED", "send(): the client is closed");
    // A socket that has begun closing drops what it is given; queue for the next one instead.
    if (this.#state === "open" && this.#socket!.readyState === OPEN) {
      this.#socket!.send(frame);
      return "sent";
    }
    // Copy bytes: the caller may reuse its buffer before the connection comes back.
    const copy = typeof frame === "string" ? frame : ArrayBuffer.isView(frame) ? new Uint8Array(frame.buffer, frame.byteOffset, frame.byteLength).slice() : frame.slice(0);
    if (!this.#queue.push(copy)) {
      throw new ClientError("SCALLION_QUEUE_FULL", `send(): ${this.#queue.limit} messages already wait for the connection`, { data: frame });
    }
    return "queued";
  }

  #setState(change: StateChange): void {
    this.#state = change.state;
    this.#events.emit("state", change);
    this.#events.emit(change.state, change as never);
  }

  #connect(): void {
    if (this.#state === "closed") return;
    if (this.#state === "connecting") this.#setState({ state: "connecting" });
    Promise.resolve()
      .then(this.#WebSocket)
      .then(
        (WebSocket) => {
          if (this.#state === "closed") return;
          const { protocols, headers } = this.#options;
          let socket: WebSocketLike;
          try {
            const url = this.#positions.url();
            socket = headers === undefined ? new WebSocket(url, protocols) : new WebSocket(url, protocols, { headers });
          } catch (error) {
            // A bad subprotocol name or URL: retrying cannot help.
            this.#events.emit("error", new ClientError("SCALLION_SOCKET_ERROR", `cannot open ${this.url}`, { cause: error }));
            return this.#finish(1006, "cannot open a WebSocket");
          }
          this.#socket = socket;
          socket.binaryType = "arraybuffer";
          socket.onopen = () => this.#opened(socket);
          socket.onmessage = (event) => this.#received(event.data);
          socket.onclose = (event) => this.#lost(socket, event.code, event.reason);
          socket.onerror = (event) => {
            if (this.#state !== "open") this.#handshakes.failed(event);
            const cause = (event as { error?: unknown }).error ?? event;
            this.#events.emit("error", new ClientError("SCALLION_SOCKET_ERROR", `WebSocket error on ${this.url}`, { cause }));
          };
          this.#timer = setTimeout(() => this.#drop(socket, "connect timeout"), this.#options.connectTimeout ?? 10_000);
        },
        (error: unknown) => {
          this.#events.emit("error", new ClientError("SCALLION_SOCKET_ERROR", "cannot load a WebSocket class", { cause: error }));
          this.#finish(1006, "no WebSocket class");
        },
      );
  }

  #opened(socket: WebSocketLike): void {
    clearTimeout(this.#timer);
    // Queued messages go first, before any listener of "open" can send a newer one.
    for (const frame of this.#queue.drain()) socket.send(frame);
    this.#handshakes.opened();
    if (this.#reconnect) this.#stableTimer = setTimeout(() => (this.#attempt = 0), this.#reconnect.resetAfter);
    this.#watchdog.start(socket, (reason) => this.#drop(socket, reason));
    this.#setState({ state: "open" });
  }

  #received(data: unknown): void {
    this.#watchdog.heard();
    const frame: Message = typeof data === "string" ? data : new Uint8Array(data as ArrayBuffer);
    const pong = this.#pong;
    if (pong !== undefined && (typeof pong === "string" ? frame === pong : pong(frame))) return;
    // Topics with history wrap what is published to them: the application sees what was published.
    const message = this.#positions.unwrap(frame);
    if (message === undefined) return;
    const schema = this.#options.incoming;
    if (schema === undefined) return this.#events.emit("message", message as In);
    const parsed = parseIncoming(schema, message);
    if ("value" in parsed) this.#events.emit("message", parsed.value as In);
    else this.#events.emit("error", new ClientError("SCALLION_INVALID_MESSAGE", `received ${parsed.refused}`, parsed));
  }

  /** Gives up on a socket that went silent or never opened, as if it had closed abnormally. */
  #drop(socket: WebSocketLike, reason: string): void {
    this.#lost(socket, 1006, reason);
    const terminate = (socket as { terminate?: () => void }).terminate;
    if (terminate) terminate.call(socket);
    else socket.close(4408, reason);
  }

  #lost(socket: WebSocketLike, code: number, reason: string): void {
    if (socket !== this.#socket) return;
    const refused = this.#state === "open" ? undefined : this.#handshakes.lost(this.url);
    this.#release();
    if (refused !== undefined) {
      this.#events.emit("error", refused);
      return this.#finish(code, refused.message, refused);
    }
    const policy = this.#reconnect;
    if (policy === undefined || policy.stopOn.includes(code) || this.#attempt >= policy.maxAttempts) {
      return this.#finish(code, reason);
    }
    const delay = backoffDelay(this.#attempt++, policy);
    this.#setState({ state: "reconnecting", code, reason, attempt: this.#attempt, delay });
    this.#timer = setTimeout(() => this.#connect(), delay);
  }

  /** Lets go of the current socket and every timer. */
  #release(): void {
    const socket = this.#socket;
    if (socket !== undefined) {
      socket.onopen = socket.onmessage = socket.onclose = null;
      // `ws` throws an 'error' emitted with no listener, as when a connecting socket is closed.
      socket.onerror = noop;
      this.#socket = undefined;
    }
    clearTimeout(this.#timer);
    clearTimeout(this.#stableTimer);
    this.#watchdog.stop();
  }

  #finish(code: number, reason: string, error?: ClientError): void {
    if (this.#state === "closed") return;
    this.#release();
    const info: CloseInfo = { code, reason, unsent: this.#queue.drain().length, ...(error && { error }) };
    this.#setState({ state: "closed", ...info });
    this.#settle(info);
  }
}
