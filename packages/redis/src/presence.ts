import type { RedisClientType } from "redis";

/**
 * How many connections listen to each topic, across processes. Each node keeps a field in a hash
 * per topic, and a key of its own that expires unless refreshed: a crashed process's counts stop
 * counting once its key has expired, and are cleaned up by the next `count`.
 */
export class Presence {
  readonly #redis: RedisClientType;
  readonly #prefix: string;
  readonly #ttl: number;
  /** This process's counts, by node and topic, to restore after Redis restarts. */
  readonly #local = new Map<string, Map<string, number>>();
  #timer: NodeJS.Timeout | undefined;

  constructor(redis: RedisClientType, prefix: string, ttlSeconds: number) {
    this.#redis = redis;
    this.#prefix = prefix;
    this.#ttl = ttlSeconds;
  }

  async report(node: string, topic: string, subscribers: number): Promise<void> {
    let topics = this.#local.get(node);
    if (topics === undefined) {
      this.#local.set(node, (topics = new Map()));
      this.#startRefreshing();
      await this.#redis.set(this.#nodeKey(node), "1", { expiration: { type: "EX", value: this.#ttl } });
    }
    if (subscribers > 0) {
      topics.set(topic, subscribers);
      await this.#redis.hSet(this.#topicKey(topic), node, subscribers);
    } else {
      topics.delete(topic);
      await this.#redis.hDel(this.#topicKey(topic), node);
    }
  }

  async count(topic: string): Promise<number> {
    const fields = await this.#redis.hGetAll(this.#topicKey(topic));
    const nodes = Object.keys(fields);
    if (nodes.length === 0) return 0;
    const alive = await this.#redis.exists(nodes.map((n) => this.#nodeKey(n)));
    if (alive === nodes.length) return sum(Object.values(fields));
    // Some node has gone without withdrawing: check one by one and drop its counts.
    let total = 0;
    for (const node of nodes) {
      if (this.#local.has(node) || (await this.#redis.exists(this.#nodeKey(node))) === 1) total += Number(fields[node]);
      else await this.#redis.hDel(this.#topicKey(topic), node);
    }
    return total;
  }

  /** Writes this process's counts again (after Redis lost them). */
  async restore(): Promise<void> {
    for (const [node, topics] of this.#local) {
      await this.#redis.set(this.#nodeKey(node), "1", { expiration: { type: "EX", value: this.#ttl } });
      for (const [topic, n] of topics) await this.#redis.hSet(this.#topicKey(topic), node, n);
    }
  }

  /** Removes this process's counts, on shutdown. */
  async withdraw(): Promise<void> {
    clearInterval(this.#timer);
    for (const [node, topics] of this.#local) {
      for (const topic of topics.keys()) await this.#redis.hDel(this.#topicKey(topic), node);
      await this.#redis.del(this.#nodeKey(node));
    }
    this.#local.clear();
  }

  #startRefreshing(): void {
    if (this.#timer !== undefined) return;
    this.#timer = setInterval(() => {
      if (!this.#redis.isReady) return;
      for (const node of this.#local.keys()) {
        this.#redis.expire(this.#nodeKey(node), this.#ttl).catch(() => {});
      }
    }, (this.#ttl * 1000) / 3);
    this.#timer.unref();
  }

  #topicKey(topic: string): string {
    return `${this.#prefix}presence:${topic}`;
  }

  #nodeKey(node: string): string {
    return `${this.#prefix}node:${node}`;
  }
}

function sum(values: string[]): number {
  let total = 0;
  for (const v of values) total += Number(v);
  return total;
}
