import type { Outcome, PublishEvent } from "./events.js";
import type { Position } from "./history.js";
import type { PublishOutcome, Subscriber, Topics } from "./topics.js";
import { INTERNAL_PREFIX } from "./topics.js";

/**
 * The topics one connection joined, so that it can leave them all when it ends. Made when the
 * connection first subscribes: most connections never do, and most that do join one topic,
 * which is kept as it is; a Set (a hundred bytes and more) only from the second.
 */
export class Membership {
  readonly #topics: Topics;
  readonly #subscriber: Subscriber;
  #joined: string | Set<string> | undefined;

  constructor(topics: Topics, subscriber: Subscriber) {
    this.#topics = topics;
    this.#subscriber = subscriber;
  }

  join(topic: string, since?: Position): Promise<Outcome> {
    const joined = this.#joined;
    if (joined === undefined || joined === topic) this.#joined = topic;
    else if (typeof joined === "string") this.#joined = new Set([joined, topic]);
    else joined.add(topic);
    return this.#topics.join(topic, this.#subscriber, since);
  }

  async leave(topic: string): Promise<Outcome> {
    const joined = this.#joined;
    if (joined === topic) this.#joined = undefined;
    else if (typeof joined === "object") joined.delete(topic);
    await this.#topics.leave(topic, this.#subscriber);
    return "unsubscribed";
  }

  /** The connection ended: leaves every topic it is still in, without waiting. */
  leaveAll(): void {
    const joined = this.#joined;
    this.#joined = undefined;
    if (typeof joined === "string") void this.#topics.remove(joined, this.#subscriber);
    else if (joined !== undefined) for (const topic of joined) void this.#topics.remove(topic, this.#subscriber);
  }
}

/**
 * Every open connection listens to its path's topic, which `broadcast(path, …)` publishes to.
 * Joining it never fails: local broadcasts reach it at once, and an engine that cannot subscribe
 * is counted in `stats().engineFailures`.
 */
export function joinPath(topics: Topics, subscriber: Subscriber, path: string): void {
  void topics.add(INTERNAL_PREFIX + path, subscriber);
}

export function leavePath(topics: Topics, subscriber: Subscriber, path: string): void {
  void topics.remove(INTERNAL_PREFIX + path, subscriber);
}

/**
 * Carries out a connection's `publish()`: to every subscriber on this node at once (the publisher
 * too, unless `exceptSelf`), then through the engine to the other nodes.
 */
export function publish(topics: Topics, event: PublishEvent, publisher: string): PublishOutcome | Promise<PublishOutcome> {
  const data = event.text ?? event.bytes;
  const exclude = event.exceptSelf ? [publisher] : undefined;
  return topics.publish({ topic: event.topic, data, exclude });
}
