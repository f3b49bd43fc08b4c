import type { Commands } from "./commands.js";
import type { Commander } from "./link.js";
import type { Names } from "./names.js";

/** Fields written per round trip, so a restore after an outage goes in a few. */
const BATCH = 500;

/**
 * How many connections listen to each topic, across processes. Each node keeps a field in a hash
 * per topic, and a key of its own that expires unless refreshed: a crashed process's counts stop
 * counting once its key has expired, and are cleaned up by the next `count`.
 *
 * This process's counts are kept here first; a loop writes what changed to Redis while it is
 * reachable, a batch at a time, so a report never waits on Redis and an outage holds no more than
 * one entry per topic this process is in, or had written before it. After a reconnect every count
 * is written again (Redis may have restarted empty) and every one that went to zero is deleted.
 * A count adds this process's own numbers to what Redis holds for the other nodes, and is this
 * process's numbers alone when Redis cannot answer.
 */
export class Presence {
  readonly #redis: Commander;
  readonly #commands: Commands;
  readonly #names: Names;
  readonly #ttl: number;
  /** This process's counts, by node and topic (none of them zero). */
  readonly #local = new Map<string, Map<string, number>>();
  /** Topics Redis may hold a field of a node's for. */
  readonly #written = new Map<string, Set<string>>();
  /** Topics whose count Redis has not been told yet, by node. */
  readonly #dirty = new Map<string, Set<string>>();
  #running: Promise<void> | undefined;
  #timer: NodeJS.Timeout | undefined;

  constructor(redis: Commander, commands: Commands, names: Names, ttlSeconds: number) {
    this.#redis = redis;
    this.#commands = commands;
    this.#names = names;
    this.#ttl = ttlSeconds;
  }

  /** Records `node`'s count; resolves once it is in Redis, or at once while Redis is down. */
  report(node: string, topic: string, subscribers: number): Promise<void> | undefined {
    let topics = this.#local.get(node);
    if (topics === undefined) {
      this.#local.set(node, (topics = new Map()));
      this.#startRefreshing();
    }
    if (subscribers > 0) topics.set(topic, subscribers);
    else topics.delete(topic);
    entry(this.#dirty, node).add(topic);
    return this.#kick();
  }

  count(topic: string): number | Promise<number> {
    let own = 0;
    for (const topics of this.#local.values()) own += topics.get(topic) ?? 0;
    return this.#commands.run(
      async () => own + (await this.#othersCount(topic)),
      () => own,
    );
  }

  /** Redis may have lost everything (a restart): write every count again, delete what went to zero. */
  restore(): void {
    for (const [node, topics] of this.#local) for (const topic of topics.keys()) entry(this.#dirty, node).add(topic);
    for (const [node, topics] of this.#written) for (const topic of topics) entry(this.#dirty, node).add(topic);
    void this.#kick();
  }

  /** Removes this process's counts, on shutdown (if Redis is reachable; else they expire). */
  async withdraw(): Promise<void> {
    clearInterval(this.#timer);
    for (const [node, topics] of this.#local) for (const topic of topics.keys()) entry(this.#dirty, node).add(topic);
    this.#local.clear();
    await this.#kick();
    const nodes = [...this.#dirty.keys(), ...this.#written.keys()];
    if (nodes.length > 0) await this.#commands.run(() => this.#redis.del(nodes.map((n) => this.#names.node(n))), () => 0);
  }

  /** What the other nodes count, cleaning up after nodes that are gone. */
  async #othersCount(topic: string): Promise<number> {
    const redis = this.#redis;
    const fields = await redis.hGetAll(this.#names.presence(topic));
    const nodes = Object.keys(fields).filter((node) => !this.#local.has(node));
    if (nodes.length === 0) return 0;
    const alive = await redis.exists(nodes.map((n) => this.#names.node(n)));
    let total = 0;
    for (const node of nodes) {
      // Some node has gone without withdrawing: check one by one and drop its counts.
      if (alive === nodes.length || (await redis.exists(this.#names.node(node))) === 1) total += Number(fields[node]);
      else await redis.hDel(this.#names.presence(topic), node);
    }
    return total;
  }

  #kick(): Promise<void> | undefined {
    if (!this.#commands.ready) return undefined;
    this.#running ??= this.#run().finally(() => (this.#running = undefined));
    return this.#running;
  }

  /** Writes what changed, a batch at a time, until nothing has or Redis fails to answer. */
  async #run(): Promise<void> {
    while (this.#dirty.size > 0 && this.#commands.ready) {
      const batch = this.#takeBatch();
      const written = await this.#commands.run(() => this.#write(batch).then(() => true), () => false);
      for (const [node, topics] of batch) {
        for (const topic of topics) {
          if (!written) entry(this.#dirty, node).add(topic);
          else if (this.#local.get(node)?.has(topic)) entry(this.#written, node).add(topic);
          else this.#forget(node, topic);
        }
      }
      if (!written) return;
    }
  }

  /**
   * Writes a batch: one command per count, all sent at once (pipelined by the client). Not one
   * MULTI: on a cluster the topics' keys are on different shards.
   */
  async #write(batch: Map<string, Set<string>>): Promise<void> {
    const redis = this.#redis;
    const writes: Promise<unknown>[] = [];
    for (const [node, topics] of batch) {
      writes.push(redis.set(this.#names.node(node), "1", { expiration: { type: "EX", value: this.#ttl } }));
      for (const topic of topics) {
        const n = this.#local.get(node)?.get(topic);
        const key = this.#names.presence(topic);
        writes.push(n === undefined ? redis.hDel(key, node) : redis.hSet(key, node, n));
      }
    }
    await Promise.all(writes);
  }

  #takeBatch(): Map<string, Set<string>> {
    const batch = new Map<string, Set<string>>();
    let size = 0;
    for (const [node, topics] of this.#dirty) {
      for (const topic of topics) {
        if (size++ === BATCH) return batch;
        entry(batch, node).add(topic);
        topics.delete(topic);
      }
      if (topics.size === 0) this.#dirty.delete(node);
    }
    return batch;
  }

  #forget(node: string, topic: string): void {
    const topics = this.#written.get(node);
    if (topics?.delete(topic) && topics.size === 0) this.#written.delete(node);
  }

  #startRefreshing(): void {
    if (this.#timer !== undefined) return;
    this.#timer = setInterval(() => {
      for (const node of this.#local.keys()) {
        void this.#commands.run(() => this.#redis.expire(this.#names.node(node), this.#ttl), () => 0);
      }
    }, (this.#ttl * 1000) / 3);
    this.#timer.unref();
  }
}

function entry(map: Map<string, Set<string>>, key: string): Set<string> {
  let set = map.get(key);
  if (set === undefined) map.set(key, (set = new Set()));
  return set;
}
