import { AddressLimit } from "./address-limit.js";
import type { TrustProxy } from "./client-address.js";
import { Connection } from "./connection.js";
import { createScope } from "./scope.js";
import { checkOptions, optionChecks } from "./option-check.js";
import { assertCloseFrame } from "./close-codes.js";
import type { Handler } from "./handler.js";
import type { Logger, RuntimeLogger } from "./logger.js";
import { consoleLogger, silentLogger, throttledLogger } from "./logger.js";
import { Heartbeat } from "./heartbeat.js";
import type { ResolvedRuntimeOptions, RuntimeContext, Tracked } from "./runtime-context.js";
import type { Message } from "./events.js";
import type { PubSub } from "./pubsub.js";
import { MemoryPubSub } from "./pubsub.js";
import type { ServerStats } from "./stats.js";
import type { PublishOutcome } from "./topics.js";
import { INTERNAL_PREFIX, Topics } from "./topics.js";
import { Counters } from "./stats.js";
import type { PendingUpgrade } from "./transport.js";

/** Options of the runtime, shared by every way of serving. */
export interface RuntimeOptions {
  /** Messages the receiver queues before the socket is paused. Default 32. */
  maxQueue?: number;
  /**
   * Bytes the receiver queues before the socket is paused (one message more at the most), so a
   * client that sends large messages to a handler that does not read them holds a few of them, not
   * `maxQueue`. Default: twice `maxPayload` (2 MiB).
   */
  maxQueueBytes?: number;
  /** Bytes buffered for a socket above which a yielded send waits for the socket to drain. Default 64 KiB. */
  highWaterMark?: number;
  /** Milliseconds of silence before the server pings a client; `null` disables the heartbeat. Default 20 s. */
  pingInterval?: number | null;
  /** Milliseconds to wait for the pong before dropping the client; `null` never drops. Default 20 s. */
  pingTimeout?: number | null;
  /** Milliseconds for the handler chain to decide the handshake before a 503. Default 10 s. */
  handshakeTimeout?: number;
  /** Milliseconds to wait for the client's close frame before terminating the socket. Default 10 s. */
  closeTimeout?: number;
  /**
   * Behind a reverse proxy: take `scope.address` from `X-Forwarded-For`/`X-Real-IP`. `true` trusts
   * every proxy, a number that many hops. Default false: the socket's address.
   */
  trustProxy?: TrustProxy;
  /** Carries published messages between nodes. Default: a new in-memory engine for this server. */
  pubsub?: PubSub;
  /**
   * Bytes buffered for a subscriber above which published messages are not written to it.
   * Default 512 KiB.
   */
  subscriberBufferLimit?: number;
  /** What happens to a subscriber over its buffer limit: closed with 1013 (default) or skipped and counted. */
  slowSubscriber?: "close" | "skip";
  /**
   * Connections one client address (`scope.address`, so behind a proxy set `trustProxy`) may
   * hold at once, handshakes not yet decided included; one more is refused with HTTP 429 before
   * anything is upgraded. Default 256: more than a browser opens to one host (Firefox stops at
   * 200, Chromium at 255 in all), room for a small office behind one NAT address, and a small
   * share of a server's file descriptors. `null` disables it (a load test from one machine).
   */
  maxConnectionsPerAddress?: number | null;
  /** Where errors and warnings go: `console` by default, `false` for silence, or e.g. a pino logger. */
  logger?: Logger | false;
}

export const runtimeOptionChecks = {
  maxQueue: optionChecks.positiveInteger,
  maxQueueBytes: optionChecks.positiveInteger,
  maxConnectionsPerAddress: (v: unknown) =>
    v === null || optionChecks.positiveInteger(v) === undefined ? undefined : "a positive integer, or null to disable",
  highWaterMark: optionChecks.positiveInteger,
  pingInterval: optionChecks.durationOrNull,
  pingTimeout: optionChecks.durationOrNull,
  handshakeTimeout: optionChecks.duration,
  closeTimeout: optionChecks.duration,
  logger: optionChecks.logger,
  trustProxy: optionChecks.trustProxy,
  pubsub: optionChecks.pubsub,
  subscriberBufferLimit: optionChecks.positiveInteger,
  slowSubscriber: optionChecks.slowSubscriber,
};

/** Options of a graceful shutdown. */
export interface CloseOptions {
  /** The close code sent to every client. Default 1001 (going away). */
  code?: number;
  reason?: string;
  /**
   * Milliseconds the shutdown may take: handlers have up to half of it to answer the messages
   * already queued, then every close frame is sent; what has not closed at the end is terminated.
   * Default closeTimeout.
   */
  timeout?: number;
}

/**
 * Runs one app over any transport: owns the connections, the heartbeat and graceful shutdown.
 * Transports hand it {@link PendingUpgrade}s; `serve()` and the test harness are built on it.
 */
export class Runtime implements RuntimeContext {
  readonly options: ResolvedRuntimeOptions;
  readonly logger: RuntimeLogger;
  readonly counters = new Counters();
  readonly topics: Topics;
  readonly #app: Handler;
  readonly #connections = new Set<Tracked>();
  readonly #heartbeat: Heartbeat;
  readonly #perAddress: AddressLimit;
  #open = 0;
  #closing: Promise<void> | undefined;
  #idle: (() => void) | undefined;

  constructor(app: Handler, options: RuntimeOptions = {}, where = "Runtime") {
    if (typeof app !== "function") throw new TypeError(`${where}: app must be a handler function`);
    checkOptions(where, options, runtimeOptionChecks);
    this.#app = app;
    this.options = {
      maxQueue: options.maxQueue ?? 32,
      maxQueueBytes: options.maxQueueBytes ?? 2 * 1024 * 1024,
      highWaterMark: options.highWaterMark ?? 64 * 1024,
      pingInterval: options.pingInterval === undefined ? 20_000 : options.pingInterval,
      pingTimeout: options.pingTimeout === undefined ? 20_000 : options.pingTimeout,
      handshakeTimeout: options.handshakeTimeout ?? 10_000,
      closeTimeout: options.closeTimeout ?? 10_000,
      trustProxy: options.trustProxy ?? false,
      maxConnectionsPerAddress:
        options.maxConnectionsPerAddress === undefined ? 256 : options.maxConnectionsPerAddress,
      subscriberBufferLimit: options.subscriberBufferLimit ?? 512 * 1024,
      slowSubscriber: options.slowSubscriber ?? "close",
    };
    this.topics = new Topics(options.pubsub ?? new MemoryPubSub(), this.counters);
    this.logger = throttledLogger(options.logger === false ? silentLogger : (options.logger ?? consoleLogger));
    this.#heartbeat = new Heartbeat(this.options.pingInterval, this.options.pingTimeout, this.#connections);
    this.#perAddress = new AddressLimit(this.options.maxConnectionsPerAddress);
  }

  /** Open connections: accepted and not yet closed. */
  get connections(): number {
    return this.#open;
  }

  /** A snapshot of the connections and of the counters since the start. */
  stats(): ServerStats {
    let queuedMessages = 0;
    let queuedBytes = 0;
    let bufferedBytes = 0;
    let handshakes = 0;
    let { bytesIn, bytesOut } = this.counters;
    for (const connection of this.#connections) {
      const bytes = connection.bytes;
      bytesIn += bytes.in;
      bytesOut += bytes.out;
      queuedMessages += connection.receiver.queued;
      queuedBytes += connection.receiver.queuedBytes;
      bufferedBytes += connection.bufferedAmount;
      if (connection.state === "handshake") handshakes++;
    }
    const { messagesIn, messagesOut, messagesDiscarded, messagesSkipped, closes, rejected, clientFaults } = this.counters;
    const { messagesLocalOnly, engineFailures } = this.counters;
    return {
      connections: this.#open,
      handshakes,
      addresses: this.#perAddress.addresses,
      queuedMessages,
      queuedBytes,
      bufferedBytes,
      messagesIn,
      messagesOut,
      bytesIn,
      bytesOut,
      messagesDiscarded,
      messagesSkipped,
      subscriptions: this.topics.subscriptions,
      messagesLocalOnly,
      engineFailures,
      closes: { ...closes },
      rejected: { ...rejected },
      clientFaults: { ...clientFaults },
    };
  }

  /** Publishes to every subscriber of `topic` on every node, from outside any handler. */
  publish(topic: string, data: Message): Promise<PublishOutcome> {
    checkPublish("publish()", topic, data);
    return Promise.resolve(this.topics.publish({ topic, data }));
  }

  /** Sends `data` to every connection whose path is `path`, on every node, except the ids in `exclude`. */
  broadcast(path: string, data: Message, options: { exclude?: string | readonly string[] } = {}): Promise<PublishOutcome> {
    checkPublish("broadcast()", path, data);
    const { exclude } = options;
    return Promise.resolve(
      this.topics.publish({
        topic: INTERNAL_PREFIX + path,
        data,
        exclude: typeof exclude === "string" ? [exclude] : exclude,
      }),
    );
  }

  /**
   * Connections subscribed to `topic`, across every node that shares the pub/sub engine; this
   * node's own when the engine cannot answer in time.
   */
  async count(topic: string): Promise<number> {
    return this.topics.count(topic);
  }

  /** Whether `close()` has been called. */
  get closing(): boolean {
    return this.#closing !== undefined;
  }

  /** Runs the app for one upgrade request. After `close()`, new requests get 503. */
  handle(pending: PendingUpgrade): void {
    if (this.#closing !== undefined) {
      this.counters.rejectedWith(503);
      pending.reject(503, "Server is shutting down", {});
      return;
    }
    const scope = createScope(pending.request, this.options.trustProxy);
    if (!this.#perAddress.admit(scope.address)) {
      this.counters.rejectedWith(429);
      pending.reject(429, "Too many connections from this address", {});
      return;
    }
    const connection = new Connection(this, pending, scope);
    this.#connections.add(connection);
    connection.start(this.#app);
  }

  opened(_connection: Tracked): void {
    if (++this.#open === 1) this.#heartbeat.start();
  }

  ended(connection: Tracked, wasOpen: boolean): void {
    this.#connections.delete(connection);
    this.#perAddress.release(connection.scope.address);
    if (wasOpen && --this.#open === 0) this.#heartbeat.stop();
    if (this.#connections.size === 0) this.#idle?.();
  }

  /**
   * Graceful shutdown: new upgrades get 503; receivers take no more messages, and each handler
   * reads what its receiver holds, its answers and every send already yielded going out before
   * the close frame (within half of `timeout`); closing handshakes are awaited up to `timeout`,
   * then what is left is terminated. Resolves when every connection is gone and its hooks have run.
   */
  close(options: CloseOptions = {}): Promise<void> {
    this.#closing ??= this.#shutdown(options);
    return this.#closing;
  }

  async #shutdown({ code = 1001, reason = "", timeout = this.options.closeTimeout }: CloseOptions): Promise<void> {
    assertCloseFrame(code, reason);
    const idle = new Promise<void>((resolve) => (this.#idle = resolve));
    if (this.#connections.size === 0) this.#idle?.();
    for (const connection of this.#connections) connection.shutdown(code, reason);
    const draining = setTimeout(() => {
      for (const connection of this.#connections) connection.drained();
    }, timeout / 2);
    const timer = setTimeout(() => {
      for (const connection of this.#connections) connection.drop("shutdown");
    }, timeout);
    await idle;
    clearTimeout(draining);
    clearTimeout(timer);
    this.#heartbeat.stop();
    await this.topics.close();
  }
}

function checkPublish(where: string, topic: string, data: Message): void {
  if (typeof topic !== "string" || topic === "") throw new TypeError(`${where}: topic must be a non-empty string`);
  if (typeof data !== "string" && !(data instanceof Uint8Array)) {
    throw new TypeError(`${where}: data must be a string or bytes`);
  }
}
