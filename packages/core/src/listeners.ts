import type { PubSubListener, PubSubMessage } from "./pubsub.js";

/**
 * The listeners an engine has in one process, by topic: an engine subscribes to its peers when a
 * topic gets its first listener and unsubscribes when it loses its last.
 */
export class TopicListeners {
  readonly #topics = new Map<string, Set<PubSubListener>>();

  /** Topics with at least one listener. */
  get size(): number {
    return this.#topics.size;
  }

  /** Adds `listener` to `topic`: whether it is the topic's first. */
  add(topic: string, listener: PubSubListener): boolean {
    const listeners = this.#topics.get(topic);
    if (listeners === undefined) {
      this.#topics.set(topic, new Set([listener]));
      return true;
    }
    listeners.add(listener);
    return false;
  }

  /** Removes `listener` from `topic`: whether it was the topic's last. */
  delete(topic: string, listener: PubSubListener): boolean {
    const listeners = this.#topics.get(topic);
    if (listeners === undefined || !listeners.delete(listener) || listeners.size > 0) return false;
    this.#topics.delete(topic);
    return true;
  }

  /** Hands `message` to every listener of its topic. */
  deliver(message: PubSubMessage): void {
    for (const listener of this.#topics.get(message.topic) ?? []) listener(message);
  }

  clear(): void {
    this.#topics.clear();
  }
}
