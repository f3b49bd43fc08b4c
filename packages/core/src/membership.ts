import type { Outcome, PublishEvent } from "./events.js";
import type { Logger } from "./logger.js";
import type { Subscriber, Topics } from "./topics.js";
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

  async join(topic: string): Promise<Outcome> {
    this.#joined.add(topic);
    await this.#topics.join(topic, this.#subscriber);
    return "subscribed";
  }

  async leave(topic: string): Promise<Outcome> {
    this.#joined.delete(topic);
    await this.#topics.leave(topic, this.#subscriber);
    return "unsubscribed";
  }

  /** The connection ended: leaves every topic it is still in, without waiting. */
  leaveAll(): void {
    for (const topic of this.#joined) void this.#topics.leave(topic, this.#subscriber).catch(() => {});
    this.#joined.clear();
  }
}

/** Every open connection listens to its path's topic, which `broadcast(path, …)` publishes to. */
export function joinPath(topics: Topics, subscriber: Subscriber, path: string, logger: Logger): void {
  void topics.add(INTERNAL_PREFIX + path, subscriber)?.catch((error: unknown) =>
    logger.warn({ connection: subscriber.id, err: error }, "could not join the path's topic"),
  );
}

export function leavePath(topics: Topics, subscriber: Subscriber, path: string): void {
  void topics.remove(INTERNAL_PREFIX + path, subscriber)?.catch(() => {});
}

/** Carries out a connection's `publish()`: to every subscriber on every node (the publisher too, unless `exceptSelf`). */
export function publish(topics: Topics, event: PublishEvent, publisher: string): Promise<Outcome> {
  const data = event.text ?? event.bytes;
  const exclude = event.exceptSelf ? [publisher] : undefined;
  return topics.publish({ topic: event.topic, data, exclude }).then(() => "published");
}
