import { randomUUID } from "node:crypto";
import type { Encoded } from "./frame.js";
import { encode } from "./frame.js";
import type { PubSub, PubSubListener, PubSubMessage } from "./pubsub.js";

/** What the registry delivers to: a connection. */
export interface Subscriber {
  readonly id: string;
  deliver(message: Encoded): void;
}

/** Topics the runtime uses itself (one per path, for `broadcast`); users' topics cannot start so. */
export const INTERNAL_PREFIX = "\u0000";

interface Topic {
  readonly subscribers: Set<Subscriber>;
}

/**
 * A runtime's topics: which of its connections listen to what. It subscribes to the pub/sub
 * engine once per topic while any local connection listens, and delivers each message it gets
 * to the local subscribers, encoded once. Subscribe and unsubscribe calls for one topic reach the
 * engine in order, so a quick leave-and-join never ends unsubscribed.
 */
export class Topics {
  readonly node = randomUUID();
  readonly #pubsub: PubSub;
  readonly #topics = new Map<string, Topic>();
  readonly #queues = new Map<string, Promise<void>>();
  readonly #listener: PubSubListener = (message) => this.#deliver(message);

  constructor(pubsub: PubSub) {
    this.#pubsub = pubsub;
  }

  /** Local subscriptions, counted once per connection and topic. */
  get subscriptions(): number {
    let total = 0;
    for (const topic of this.#topics.values()) total += topic.subscribers.size;
    return total;
  }

  /**
   * Adds `subscriber` to `topic`; resolves once messages published to it will arrive, rejects if
   * the engine failed to subscribe.
   */
  join(name: string, subscriber: Subscriber): Promise<void> {
    return this.add(name, subscriber) ?? RESOLVED;
  }

  /**
   * {@link join}, returning undefined when there is nothing to wait for: the topic is already
   * subscribed and the engine need not be told. Every connection joins its path's topic, and
   * this way most of them cost no promise doing so.
   */
  add(name: string, subscriber: Subscriber): Promise<void> | undefined {
    const waits: Promise<void>[] = [];
    let topic = this.#topics.get(name);
    if (topic === undefined) {
      this.#topics.set(name, (topic = { subscribers: new Set() }));
      waits.push(this.#enqueue(name, () => this.#pubsub.subscribe(name, this.#listener)));
    } else {
      const pending = this.#queues.get(name);
      if (pending !== undefined) waits.push(pending);
    }
    if (!topic.subscribers.has(subscriber)) {
      topic.subscribers.add(subscriber);
      if (!name.startsWith(INTERNAL_PREFIX)) waits.push(this.#report(name, topic.subscribers.size));
    }
    return waits.length === 0 ? undefined : settle(waits);
  }

  /** Removes `subscriber` from `topic`; the engine is unsubscribed when nobody local is left. */
  leave(name: string, subscriber: Subscriber): Promise<void> {
    return this.remove(name, subscriber) ?? RESOLVED;
  }

  /** {@link leave}, returning undefined when there is nothing to wait for. */
  remove(name: string, subscriber: Subscriber): Promise<void> | undefined {
    const topic = this.#topics.get(name);
    if (topic === undefined || !topic.subscribers.delete(subscriber)) {
      // Already left (the connection ended first): still wait until the engine has been told.
      return this.#queues.get(name);
    }
    const waits: Promise<void>[] = [];
    if (!name.startsWith(INTERNAL_PREFIX)) waits.push(this.#report(name, topic.subscribers.size));
    if (topic.subscribers.size === 0) {
      this.#topics.delete(name);
      waits.push(this.#enqueue(name, () => this.#pubsub.unsubscribe(name, this.#listener)));
    }
    return waits.length === 0 ? undefined : settle(waits);
  }

  publish(message: PubSubMessage): Promise<void> {
    return Promise.resolve(this.#pubsub.publish(message));
  }

  /** Leaves every topic; resolves when the engine has been told. */
  async close(): Promise<void> {
    const leaving: Promise<void>[] = [];
    for (const [name, topic] of this.#topics) {
      for (const subscriber of topic.subscribers) leaving.push(this.leave(name, subscriber).catch(() => {}));
    }
    await Promise.all(leaving);
  }

  #report(name: string, subscribers: number): Promise<void> {
    return this.#enqueue(name, () => this.#pubsub.report(this.node, name, subscribers));
  }

  /** Runs `operation` after every earlier one for the same topic; a failure does not stop the queue. */
  #enqueue(name: string, operation: () => void | Promise<void>): Promise<void> {
    const result = (this.#queues.get(name) ?? Promise.resolve()).then(operation);
    const settled = result.catch(() => {});
    this.#queues.set(name, settled);
    void settled.then(() => {
      if (this.#queues.get(name) === settled) this.#queues.delete(name);
    });
    return result;
  }

  #deliver(message: PubSubMessage): void {
    const topic = this.#topics.get(message.topic);
    if (topic === undefined) return;
    const encoded = encode(message.data);
    const { exclude } = message;
    for (const subscriber of topic.subscribers) {
      if (exclude === undefined || !exclude.includes(subscriber.id)) subscriber.deliver(encoded);
    }
  }
}

const RESOLVED: Promise<void> = Promise.resolve();

function settle(waits: Promise<void>[]): Promise<void> {
  return waits.length === 1 ? (waits[0] as Promise<void>) : Promise.all(waits).then(() => {});
}
