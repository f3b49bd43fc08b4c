import type { HistoryConfig, Logger, Position, PubSub, Recovery } from "@scallion/core";
import type { PubSubListener, PubSubMessage } from "@scallion/core/transport";
import { HistoryPatterns, TopicListeners } from "@scallion/core/transport";
import { consoleLogger, OptionError, silentLogger } from "@scallion/core";
import { Channels } from "./channels.js";
import { Commands } from "./commands.js";
import { decodeFrame, encodeFrame } from "./frame.js";
import type { ClusterOptions, Link } from "./link.js";
import { createLink } from "./link.js";
import { Names } from "./names.js";
import { Presence } from "./presence.js";
import { StreamHistory } from "./streams.js";

/** Options of {@link createRedisPubSub}. */
export interface RedisPubSubOptions {
  /** Where Redis is. Default `REDIS_URL` from the environment, else `redis://127.0.0.1:6379`. */
  url?: string;
  /**
   * A Redis Cluster (Redis 7 or later) instead of one server, `{ rootNodes: [{ url }, …] }`: topics
   * go over sharded pub/sub (SSUBSCRIBE, SPUBLISH), so each message reaches only the shard of its
   * topic's slot, and each topic's keys are on that shard too. Not with `url`.
   */
  cluster?: ClusterOptions;
  /** Prefix of every channel and key Scallion uses, so several apps can share one Redis. Default "scallion:". */
  prefix?: string;
  /** Seconds a crashed process's presence counts linger before `count()` stops including them. Default 30. */
  presenceTtl?: number;
  /**
   * Commands (publishes, counts, presence writes) waiting for Redis's answer at once; beyond
   * this a publish reaches this process's subscribers only (counted in `dropped`) and a count
   * answers from this process's own. Default 1000.
   */
  maxPending?: number;
  /**
   * Milliseconds a caller waits for Redis: a publish that got no answer by then counts as
   * reaching this process only, a count answers from this process, a subscribe goes on (and is
   * confirmed later). While Redis is unreachable nobody waits at all. Default 1000.
   */
  timeout?: number;
  /**
   * Topics that keep history, in Redis Streams, by name or by prefix ending in `*`:
   * `{ "room:*": { size: 100, ttl: 60_000 } }`. A client resumes on any node sharing this Redis.
   */
  history?: HistoryConfig;
  /** Where connection trouble is reported. Default console; `false` for silence. */
  logger?: Logger | false;
}

/**
 * The pub/sub engine on Redis: one subscriber connection per instance (create one per process and
 * give it to every server there; on a cluster, one per master it has channels on), a channel subscribed while any
 * local listener wants it, and binary-safe frames. Servers deliver to their own subscribers
 * themselves; Redis carries messages to the other processes. It reconnects by itself after a Redis
 * restart (or a cluster failover) and resubscribes.
 */
export class RedisPubSub implements PubSub {
  readonly #link: Link;
  readonly #names: Names;
  readonly #logger: Logger;
  readonly #listeners = new TopicListeners();
  readonly #commands: Commands;
  readonly #channels: Channels;
  readonly #presence: Presence;
  readonly #patterns: HistoryPatterns;
  readonly #history: StreamHistory;
  #dropped = 0;
  #closed = false;

  /** Use {@link createRedisPubSub}, which connects. */
  constructor(options: RedisPubSubOptions = {}) {
    checkOptions(options);
    const url = options.url ?? process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
    const timeout = options.timeout ?? 1000;
    this.#names = new Names(options.prefix ?? "scallion:");
    this.#logger = options.logger === false ? silentLogger : (options.logger ?? consoleLogger);
    this.#link = createLink(url, options.cluster);
    this.#commands = new Commands(this.#link, options.maxPending ?? 1000, timeout);
    this.#presence = new Presence(this.#link.commander, this.#commands, this.#names, options.presenceTtl ?? 30);
    this.#channels = new Channels(this.#link, (frame, channel) => this.#receive(frame, channel), timeout);
    this.#patterns = new HistoryPatterns(options.history ?? {}, "createRedisPubSub()");
    this.#history = new StreamHistory(this.#link, this.#commands, this.#names);
    let down = false;
    this.#link.onError((error) => {
      if (down) return;
      down = true;
      this.#logger.warn({ err: error.message }, "redis connection lost; reconnecting");
    });
    const restored = (): void => {
      if (!down) return;
      down = false;
      this.#logger.info({}, "redis connection restored");
    };
    this.#link.onCommandsReady(restored);
    this.#link.onSubscriberReady(restored);
    // Redis may have restarted empty (on a cluster: a master may be a promoted replica that had
    // not received every write): put this process's presence back.
    this.#link.onCommandsReady(() => this.#presence.restore());
  }

  /** Opens the connections. */
  async connect(): Promise<this> {
    await this.#link.connect();
    return this;
  }

  /** Publishes that did not reach the other processes: Redis was unreachable, slow or had `maxPending` waiting. */
  get dropped(): number {
    return this.#dropped;
  }

  /** Topics this instance is subscribed to (or will be, once Redis is reachable). */
  get topics(): number {
    return this.#listeners.size;
  }

  /** Commands waiting for Redis's answer, at most `maxPending`. */
  get pending(): number {
    return this.#commands.waiting;
  }

  subscribe(topic: string, listener: PubSubListener): Promise<void> | undefined {
    return this.#listeners.add(topic, listener) ? this.#channels.want(this.#names.channel(topic)) : undefined;
  }

  unsubscribe(topic: string, listener: PubSubListener): void {
    if (this.#listeners.delete(topic, listener)) this.#channels.drop(this.#names.channel(topic));
  }

  /**
   * Sends to the other processes: false when Redis is unreachable or did not answer within
   * `timeout`. A topic that keeps history records it in the same step: its position.
   */
  publish(message: PubSubMessage): boolean | Position | Promise<boolean | Position> {
    const dropped = (): false => {
      this.#dropped++;
      return false;
    };
    const channel = this.#names.channel(message.topic);
    const history = this.#patterns.optionsFor(message.topic);
    if (history !== undefined) {
      const recorded = this.#history.record(message, channel, history);
      return recorded instanceof Promise ? recorded.then((r) => r || dropped()) : recorded || dropped();
    }
    return this.#commands.run(() => this.#link.publish(channel, encodeFrame(message)).then(() => true), dropped);
  }

  keepsHistory(topic: string): boolean {
    return this.#patterns.optionsFor(topic) !== undefined;
  }

  /** Where `topic` stands in its stream, and what came after `from`; undefined while Redis cannot answer. */
  recover(topic: string, from?: Position): Recovery | undefined | Promise<Recovery | undefined> {
    const history = this.#patterns.optionsFor(topic);
    if (history === undefined) throw new TypeError(`topic ${JSON.stringify(topic)} keeps no history`);
    return this.#history.recover(topic, history, from);
  }

  report(node: string, topic: string, subscribers: number): Promise<void> | undefined {
    return this.#presence.report(node, topic, subscribers);
  }

  /** Connections subscribed to `topic` on every node; this process's own while Redis cannot answer. */
  count(topic: string): number | Promise<number> {
    return this.#presence.count(topic);
  }

  /** Leaves every channel, withdraws this process's presence and closes the connections. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#listeners.clear();
    this.#channels.clear();
    await this.#presence.withdraw();
    await this.#link.close();
  }

  #receive(frame: Buffer, channel: Buffer): void {
    const topic = this.#names.topicOf(channel);
    let message: PubSubMessage;
    try {
      message = decodeFrame(topic, frame);
    } catch (error) {
      this.#logger.warn({ topic, err: (error as Error).message }, "ignored a message that is not a Scallion frame");
      return;
    }
    this.#listeners.deliver(message);
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
  const { url, cluster, prefix, presenceTtl, maxPending, timeout } = options;
  const isUrl = (u: unknown): boolean => typeof u === "string" && /^rediss?:\/\//.test(u);
  if (url !== undefined && !isUrl(url)) throw new OptionError(where, "url", "must be a redis:// or rediss:// URL");
  if (cluster !== undefined) {
    if (url !== undefined) throw new OptionError(where, "cluster", "cannot be given with url");
    const roots: unknown = (cluster as { rootNodes?: unknown } | null)?.rootNodes;
    if (!Array.isArray(roots) || roots.length === 0 || !roots.every((n) => isUrl((n as { url?: unknown } | null)?.url))) {
      throw new OptionError(where, "cluster", "must be { rootNodes: [{ url: \"redis://…\" }, …] }");
    }
  }
  if (prefix !== undefined && typeof prefix !== "string") throw new OptionError(where, "prefix", "must be a string");
  if (cluster !== undefined && /[{}]/.test(prefix ?? "")) {
    throw new OptionError(where, "prefix", "must have no { or } on a cluster (topics are the hash tags)");
  }
  if (presenceTtl !== undefined && !(Number.isInteger(presenceTtl) && presenceTtl > 0)) {
    throw new OptionError(where, "presenceTtl", "must be a positive whole number of seconds");
  }
  if (maxPending !== undefined && !(Number.isInteger(maxPending) && maxPending >= 0)) {
    throw new OptionError(where, "maxPending", "must be a whole number");
  }
  if (timeout !== undefined && !(Number.isInteger(timeout) && timeout > 0)) {
    throw new OptionError(where, "timeout", "must be a positive whole number of milliseconds");
  }
}
