import { randomUUID } from "node:crypto";
import { bounded, ENGINE_TIMEOUT } from "./bounded.js";
import type { JoinOutcome } from "./catch-up.js";
import { catchUp } from "./catch-up.js";
import { messageEnvelope } from "./envelope.js";
import type { Encoded } from "./frame.js";
import { encode } from "./frame.js";
import type { Position, Recovery } from "./history.js";
import type { PubSub, PubSubListener, PubSubMessage } from "./pubsub.js";

/** What the registry delivers to: a connection. */
export interface Subscriber {
  readonly id: string;
  deliver(message: Encoded): void;
}

/**
 * What a publish achieved: `"published"` once the engine has carried it towards the other nodes,
 * `"local"` when it reached this node's subscribers only (the engine could not take it).
 */
export type PublishOutcome = "published" | "local";

/** The counters {@link Topics} keeps about the engine, part of `stats()`. */
export interface EngineCounters {
  messagesLocalOnly: number;
  engineFailures: number;
}

/** Topics the runtime uses itself (one per path, for `broadcast`); users' topics cannot start so. */
export const INTERNAL_PREFIX = "\u0000";

interface Topic {
  readonly subscribers: Set<Subscriber>;
  /** Whether the topic keeps history: its messages then go out enveloped, with their position. */
  readonly history: boolean;
  /** Subscribers catching up with the history, and the live messages held for them meanwhile. */
  catchingUp?: Map<Subscriber, PubSubMessage[]>;
  /**
   * Subscribers that caught up to a position, until a later message reaches them: one the replay
   * had may still come in live (the engine's answer can overtake its own messages).
   */
  caughtUp?: Map<Subscriber, Position>;
}

/**
 * A runtime's topics: which of its connections listen to what. A publish is delivered to the
 * local subscribers at once, encoded once, and handed to the engine for the other nodes; what the
 * engine brings back from this node is ignored. The engine is subscribed once per topic while any
 * local connection listens. Every call to it is bounded in time (`ENGINE_TIMEOUT`) and in number:
 * per topic one subscribe or unsubscribe at a time, then whichever the latest state asks for, and
 * one presence report at a time, then the latest count; so a flood of joins and leaves while the
 * engine hangs holds no more than one pending call per topic.
 */
export class Topics {
  readonly node = randomUUID();
  readonly #pubsub: PubSub;
  readonly #counters: EngineCounters;
  readonly #timeout: number;
  readonly #topics = new Map<string, Topic>();
  /** Topics the engine was last told to subscribe. */
  readonly #subscribed = new Set<string>();
  /** Topics whose engine subscription is being brought in line with `#topics`. */
  readonly #syncing = new Map<string, Promise<void>>();
  /** Topics with a presence report in flight, and the count to report next. */
  readonly #reports = new Map<string, number>();
  // Its own messages come back from the engine too: ignored, since they were delivered at once;
  // except those with a position (a topic with history), which go out in the engine's order.
  readonly #listener: PubSubListener = (message) => {
    if (message.origin !== this.node || message.position !== undefined) this.#deliver(message);
  };

  constructor(pubsub: PubSub, counters: EngineCounters = { messagesLocalOnly: 0, engineFailures: 0 }, timeout = ENGINE_TIMEOUT) {
    this.#pubsub = pubsub;
    this.#counters = counters;
    this.#timeout = timeout;
  }

  /** Local subscriptions, counted once per connection and topic. */
  get subscriptions(): number {
    let total = 0;
    for (const topic of this.#topics.values()) total += topic.subscribers.size;
    return total;
  }

  /**
   * Adds `subscriber` to `topic`: local publishes reach it at once. Resolves once the engine has
   * subscribed too, so that the other nodes' messages arrive, or has failed to within the bound.
   * On a topic that keeps history the subscriber is first sent where the topic stands and, with
   * `since`, what it missed after that position (then `"recovered"`), or `"not recovered"`.
   */
  async join(name: string, subscriber: Subscriber, since?: Position): Promise<JoinOutcome> {
    const fresh = this.#topics.get(name)?.subscribers.has(subscriber) !== true;
    await this.add(name, subscriber);
    const topic = this.#topics.get(name);
    if (!fresh || topic?.catchingUp?.has(subscriber) !== true) return "subscribed";
    // Subscribed to the engine first: nothing published after the history was read is missed.
    const recovery = await this.#call<Recovery | undefined>(
      () => (this.#pubsub.recover as NonNullable<PubSub["recover"]>).call(this.#pubsub, name, since),
      () => undefined,
    );
    const held = topic.catchingUp.get(subscriber);
    if (held === undefined) return "subscribed"; // left meanwhile
    topic.catchingUp.delete(subscriber);
    if (recovery !== undefined) (topic.caughtUp ??= new Map()).set(subscriber, recovery.position);
    return catchUp(subscriber, name, held, since, recovery);
  }

  /**
   * {@link join}, returning undefined when there is nothing to wait for. Every connection joins
   * its path's topic, and this way most of them cost no promise doing so.
   */
  add(name: string, subscriber: Subscriber): Promise<void> | undefined {
    let topic = this.#topics.get(name);
    if (topic === undefined) {
      topic = { subscribers: new Set(), history: this.#pubsub.keepsHistory?.(name) === true };
      this.#topics.set(name, topic);
    }
    if (!topic.subscribers.has(subscriber)) {
      topic.subscribers.add(subscriber);
      // Live messages wait until the subscriber has been told where the topic stands.
      if (topic.history) (topic.catchingUp ??= new Map()).set(subscriber, []);
      this.#report(name, topic.subscribers.size);
    }
    const syncing = this.#sync(name);
    return syncing === undefined ? undefined : this.#bound(syncing);
  }

  /** Removes `subscriber` from `topic`; the engine is unsubscribed when nobody local is left. */
  leave(name: string, subscriber: Subscriber): Promise<void> {
    return this.remove(name, subscriber) ?? RESOLVED;
  }

  /** {@link leave}, returning undefined when there is nothing to wait for. */
  remove(name: string, subscriber: Subscriber): Promise<void> | undefined {
    const topic = this.#topics.get(name);
    if (topic?.subscribers.delete(subscriber)) {
      topic.catchingUp?.delete(subscriber);
      topic.caughtUp?.delete(subscriber);
      this.#report(name, topic.subscribers.size);
      if (topic.subscribers.size === 0) this.#topics.delete(name);
    }
    const syncing = this.#sync(name);
    return syncing === undefined ? undefined : this.#bound(syncing);
  }

  /**
   * Delivers to this node's subscribers now, then hands the message to the engine for the others.
   * On a topic that keeps history the engine records it and brings it back with its position, to
   * this node too, so every node delivers in the order of the offsets (the in-memory engine does
   * so at once); only a message it could not record is delivered here as it is.
   */
  publish(message: Omit<PubSubMessage, "origin">): PublishOutcome | Promise<PublishOutcome> {
    const sent: PubSubMessage = { ...message, origin: this.node };
    const recorded = this.#pubsub.keepsHistory?.(message.topic) === true;
    if (!recorded) this.#deliver(sent);
    const carried = this.#call(() => this.#pubsub.publish(sent), () => false);
    const done = (c: void | boolean | Position): PublishOutcome => {
      if (recorded && typeof c !== "object") this.#deliver(sent);
      return this.#outcome(c);
    };
    return carried instanceof Promise ? carried.then(done) : done(carried);
  }

  /** Subscribers of `topic` on every node; this node's own when the engine cannot answer. */
  count(name: string): number | Promise<number> {
    return this.#call(
      () => this.#pubsub.count(name),
      () => this.#topics.get(name)?.subscribers.size ?? 0,
    );
  }

  /** Leaves every topic; resolves when the engine has been told (or the bound has passed). */
  async close(): Promise<void> {
    const leaving: Promise<void>[] = [];
    for (const [name, topic] of this.#topics) {
      for (const subscriber of [...topic.subscribers]) leaving.push(this.leave(name, subscriber));
    }
    await Promise.all(leaving);
  }

  #outcome(carried: void | boolean | Position): PublishOutcome {
    if (carried !== false) return "published";
    this.#counters.messagesLocalOnly++;
    return "local";
  }

  /**
   * Brings the engine's subscription to `name` in line with whether anyone local listens: one
   * call at a time, re-checking after each, so quick leave-and-join never ends unsubscribed.
   */
  #sync(name: string): Promise<void> | undefined {
    const running = this.#syncing.get(name);
    if (running !== undefined) return running;
    const step = (): Promise<void> | undefined => {
      const wanted = this.#topics.has(name);
      if (wanted === this.#subscribed.has(name)) {
        this.#syncing.delete(name);
        return undefined;
      }
      if (wanted) this.#subscribed.add(name);
      else this.#subscribed.delete(name);
      const call = this.#call(
        () => (wanted ? this.#pubsub.subscribe(name, this.#listener) : this.#pubsub.unsubscribe(name, this.#listener)),
        () => undefined,
      );
      return call instanceof Promise ? call.then(step) : step();
    };
    const result = step();
    if (result !== undefined) this.#syncing.set(name, result);
    return result;
  }

  /** Tells the engine how many local subscribers `name` has: one report at a time, the latest next. */
  #report(name: string, subscribers: number): void {
    if (name.startsWith(INTERNAL_PREFIX)) return;
    const inFlight = this.#reports.has(name);
    this.#reports.set(name, subscribers);
    if (!inFlight) this.#sendReport(name, subscribers);
  }

  #sendReport(name: string, subscribers: number): void {
    const after = (): void => {
      const latest = this.#reports.get(name) as number;
      if (latest === subscribers) this.#reports.delete(name);
      else this.#sendReport(name, latest);
    };
    const done = this.#call(() => this.#pubsub.report(this.node, name, subscribers), () => undefined);
    if (done instanceof Promise) void done.then(after);
    else after();
  }

  /** A call to the engine that cannot hang or throw: a failure counts and gives `fallback()`. */
  #call<T>(work: () => T | Promise<T>, fallback: () => T): T | Promise<T> {
    return bounded(work, this.#timeout, () => {
      this.#counters.engineFailures++;
      return fallback();
    });
  }

  /** A wait on the engine for a caller, who goes on after the bound even if the engine is still busy. */
  #bound(waiting: Promise<void>): Promise<void> {
    return bounded(() => waiting, this.#timeout, () => undefined) as Promise<void>;
  }

  #deliver(message: PubSubMessage): void {
    const topic = this.#topics.get(message.topic);
    if (topic === undefined) return;
    const encoded = encode(topic.history ? messageEnvelope(message.topic, message.data, message.position) : message.data);
    const { exclude, position } = message;
    const { catchingUp, caughtUp } = topic;
    for (const subscriber of topic.subscribers) {
      if (exclude !== undefined && exclude.includes(subscriber.id)) continue;
      const waiting = catchingUp?.get(subscriber);
      if (waiting !== undefined) {
        waiting.push(message);
        continue;
      }
      const upTo = position === undefined ? undefined : caughtUp?.get(subscriber);
      if (upTo !== undefined) {
        if (upTo.epoch === position?.epoch && position.offset <= upTo.offset) continue; // the replay had it
        caughtUp?.delete(subscriber);
      }
      subscriber.deliver(encoded);
    }
  }
}

const RESOLVED: Promise<void> = Promise.resolve();
