import type { Logger, PubSub } from "@scallion/core";
import type { PubSubListener, PubSubMessage } from "@scallion/core/transport";
import { consoleLogger, OptionError, silentLogger } from "@scallion/core";
import type { RedisClientType } from "redis";
import { createClient } from "redis";
import { decodeFrame, encodeFrame } from "./frame.js";
import { Presence } from "./presence.js";

/** Options of {@link createRedisPubSub}. */
export interface RedisPubSubOptions {
  /** Where Redis is. Default `REDIS_URL` from the environment, else `redis://127.0.0.1:6379`. */
  url?: string;
  /** Prefix of every channel and key Scallion uses, so several apps can share one Redis. Default "scallion:". */
  prefix?: string;
  /** Seconds a crashed process's presence counts linger before `count()` stops including them. Default 30. */
  presenceTtl?: number;
  /** Publishes held while Redis is unreachable; beyond this they are dropped and counted. Default 1000. */
  maxPending?: number;
  /** Where connection trouble is reported. Default console; `false` for silence. */
  logger?: Logger | false;
}

/**
 * The pub/sub engine on Redis: one subscriber connection per instance (create one per process and
 * give it to every server there), a channel subscribed while any local listener wants it, and
 * binary-safe frames. It reconnects by itself after a Redis restart and resubscribes.
 */
export class RedisPubSub implements PubSub {
  readonly #publisher: RedisClientType;
  readonly #subscriber: RedisClientType;
  readonly #prefix: string;
  readonly #maxPending: number;
  readonly #logger: Logger;
  readonly #listeners = new Map<string, Set<PubSubListener>>();
  readonly #presence: Presence;
  #pending = 0;
  #dropped = 0;
  #closed = false;

  /** Use {@link createRedisPubSub}, which connects. */
  constructor(options: RedisPubSubOptions = {}) {
    checkOptions(options);
    const url = options.url ?? process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
    this.#prefix = options.prefix ?? "scallion:";
    this.#maxPending = options.maxPending ?? 1000;
    this.#logger = options.logger === false ? silentLogger : (options.logger ?? consoleLogger);
    // Retry quickly at first, then every two seconds, for as long as it takes.
    const reconnectStrategy = (retries: number): number => Math.min(50 * 2 ** retries, 2_000);
    this.#publisher = createClient({ url, socket: { reconnectStrategy } }) as RedisClientType;
    this.#subscriber = this.#publisher.duplicate() as RedisClientType;
    this.#presence = new Presence(this.#publisher, this.#prefix, options.presenceTtl ?? 30);
    let down = false;
    for (const client of [this.#publisher, this.#subscriber]) {
      client.on("error", (error: Error) => {
        if (down) return;
        down = true;
        this.#logger.warn({ err: error.message }, "redis connection lost; reconnecting");
      });
      client.on("ready", () => {
        if (!down) return;
        down = false;
        this.#logger.info({}, "redis connection restored");
      });
    }
    // Redis may have restarted empty: put this process's presence back.
    this.#publisher.on("ready", () => void this.#presence.restore().catch(() => {}));
  }

  /** Opens both connections. */
  async connect(): Promise<this> {
    await Promise.all([this.#publisher.connect(), this.#subscriber.connect()]);
    return this;
  }

  /** Publishes dropped because Redis stayed unreachable with `maxPending` already waiting. */
  get dropped(): number {
    return this.#dropped;
  }

  /** Channels this instance is subscribed to. */
  get topics(): number {
    return this.#listeners.size;
  }

  async subscribe(topic: string, listener: PubSubListener): Promise<void> {
    const listeners = this.#listeners.get(topic);
    if (listeners !== undefined) {
      listeners.add(listener);
      return;
    }
    this.#listeners.set(topic, new Set([listener]));
    await this.#subscriber.subscribe(this.#channel(topic), (frame: Buffer) => this.#receive(topic, frame), true);
  }

  async unsubscribe(topic: string, listener: PubSubListener): Promise<void> {
    const listeners = this.#listeners.get(topic);
    if (listeners === undefined || !listeners.delete(listener) || listeners.size > 0) return;
    this.#listeners.delete(topic);
    await this.#subscriber.unsubscribe(this.#channel(topic));
  }

  /**
   * Publishes to every node. While Redis is unreachable the message waits (up to `maxPending`
   * of them) and goes out after the reconnect, without holding up the caller.
   */
  async publish(message: PubSubMessage): Promise<void> {
    const sending = this.#send(message);
    if (sending !== undefined && this.#publisher.isReady) await sending;
  }

  report(node: string, topic: string, subscribers: number): Promise<void> {
    return this.#presence.report(node, topic, subscribers);
  }

  count(topic: string): Promise<number> {
    return this.#presence.count(topic);
  }

  /** Leaves every channel, withdraws this process's presence and closes both connections. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#listeners.clear();
    await this.#presence.withdraw().catch(() => {});
    await Promise.allSettled([this.#subscriber.close(), this.#publisher.close()]);
  }

  #send(message: PubSubMessage): Promise<void> | undefined {
    if (!this.#publisher.isReady && this.#pending >= this.#maxPending) {
      this.#dropped++;
      return undefined;
    }
    this.#pending++;
    const sent = this.#publisher.publish(this.#channel(message.topic), encodeFrame(message)).then(
      () => {
        this.#pending--;
      },
      (error: unknown) => {
        this.#pending--;
        this.#dropped++;
        this.#logger.warn({ topic: message.topic, err: (error as Error).message }, "publish failed");
      },
    );
    return sent;
  }

  #receive(topic: string, frame: Buffer): void {
    let message: PubSubMessage;
    try {
      message = decodeFrame(topic, frame);
    } catch (error) {
      this.#logger.warn({ topic, err: (error as Error).message }, "ignored a message that is not a Scallion frame");
      return;
    }
    for (const listener of this.#listeners.get(topic) ?? []) listener(message);
  }

  #channel(topic: string): string {
    return `${this.#prefix}topic:${topic}`;
  }
}

/**
 * Connects a {@link RedisPubSub}; give it to `serve(app, { pubsub })`, once per process.
 *
 * @example
 * const pubsub = await createRedisPubSub({ url: process.env.REDIS_URL });
 * const server = await serve(app, { pubsub });
 * // on shutdown: await server.close(); await pubsub.close();
 */
export async function createRedisPubSub(options: RedisPubSubOptions = {}): Promise<RedisPubSub> {
  return new RedisPubSub(options).connect();
}

function checkOptions(options: RedisPubSubOptions): void {
  const where = "createRedisPubSub()";
  const { url, prefix, presenceTtl, maxPending } = options;
  if (url !== undefined && (typeof url !== "string" || !/^rediss?:\/\//.test(url))) {
    throw new OptionError(where, "url", "must be a redis:// or rediss:// URL");
  }
  if (prefix !== undefined && typeof prefix !== "string") throw new OptionError(where, "prefix", "must be a string");
  if (presenceTtl !== undefined && !(Number.isInteger(presenceTtl) && presenceTtl > 0)) {
    throw new OptionError(where, "presenceTtl", "must be a positive whole number of seconds");
  }
  if (maxPending !== undefined && !(Number.isInteger(maxPending) && maxPending >= 0)) {
    throw new OptionError(where, "maxPending", "must be a whole number");
  }
}
