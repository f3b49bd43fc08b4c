import type { Outcome, PublishEvent } from "./events.js";
import type { Position } from "./history.js";
import type { PublishOutcome, Subscriber, Topics } from "./topics.js";
import { INTERNAL_PREFIX } from "./topics.js";

/**
 * The topics one connection joined, so that it can leave them all when it ends. Made when the
 * connection first subscribes: most connections never do.
 */
export class Membership {
  readonly #topics: Topics;
  readonly #subscriber: Subscriber;
  readonly #joined = new Set<string>();

  constructor(topics: Topics, subscriber: Subscriber) {
    this.#topics = topics;
    this.#subscriber = subscriber;
  }

  join(topic: string, since?: Position): Promise<Outcome> {
    this.#joined.add(topic);
    return this.#topics.join(topic, this.#subscriber, since);
  }

  async leave(topic: string): Promise<Outcome> {
    this.#joined.delete(topic);
    await this.#topics.leave(topic, this.#subscriber);
    return "unsubscribed";
  }

  /** The connection ended: leaves every topic it is still in, without waiting. */
  leaveAll(): void {
    for (const topic of this.#joined) void this.#topics.remove(topic, this.#subscriber);
    this.#joined.clear();
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
