import type { Message } from "./events.js";

/** A message on its way to a topic's subscribers. */
export interface PubSubMessage {
  readonly topic: string;
  readonly data: Message;
  /** Connection ids that must not receive it (the publisher, with `exceptSelf`). */
  readonly exclude?: readonly string[];
  /**
   * The node (runtime) that published it. That node has delivered it to its own subscribers
   * already and ignores it when the engine brings it back, so an engine must carry it along.
   */
  readonly origin: string;
}

export type PubSubListener = (message: PubSubMessage) => void;

/**
 * How published messages travel between nodes. A runtime subscribes once per topic while any of
 * its connections listens, and delivers to its own connections itself, at once, whatever the
 * engine is doing; the engine only moves messages to the other nodes (bringing a node's own
 * messages back to it is allowed: they are recognised by `origin` and ignored). In memory by
 * default; `@scallion/redis` spans processes and machines. The runtime waits for no call longer
 * than a few seconds (see `ENGINE_TIMEOUT`), but an engine should answer faster while it cannot
 * reach its peers: a subscribe holds a join up, a count the handler that asked.
 */
export interface PubSub {
  subscribe(topic: string, listener: PubSubListener): void | Promise<void>;
  unsubscribe(topic: string, listener: PubSubListener): void | Promise<void>;
  /** Carries `message` to the other nodes: `false` when it could not (the publisher is told `"local"`). */
  publish(message: PubSubMessage): void | boolean | Promise<void | boolean>;
  /** Records how many of `node`'s connections are subscribed to `topic`, so `count` spans nodes. */
  report(node: string, topic: string, subscribers: number): void | Promise<void>;
  /** Subscribed connections across every node. */
  count(topic: string): number | Promise<number>;
}

/**
 * The pub/sub engine of one process: nothing to install, shared by every server in the process
 * that is given the same instance.
 */
export class MemoryPubSub implements PubSub {
  readonly #listeners = new Map<string, Set<PubSubListener>>();
  readonly #presence = new Map<string, Map<string, number>>();

  subscribe(topic: string, listener: PubSubListener): void {
    let listeners = this.#listeners.get(topic);
    if (listeners === undefined) this.#listeners.set(topic, (listeners = new Set()));
    listeners.add(listener);
  }

  unsubscribe(topic: string, listener: PubSubListener): void {
    const listeners = this.#listeners.get(topic);
    if (listeners?.delete(listener) && listeners.size === 0) this.#listeners.delete(topic);
  }

  publish(message: PubSubMessage): boolean {
    for (const listener of this.#listeners.get(message.topic) ?? []) listener(message);
    return true;
  }

  report(node: string, topic: string, subscribers: number): void {
    let nodes = this.#presence.get(topic);
    if (subscribers === 0) {
      if (nodes?.delete(node) && nodes.size === 0) this.#presence.delete(topic);
      return;
    }
    if (nodes === undefined) this.#presence.set(topic, (nodes = new Map()));
    nodes.set(node, subscribers);
  }

  count(topic: string): number {
    let total = 0;
    for (const n of this.#presence.get(topic)?.values() ?? []) total += n;
    return total;
  }

  /** Topics with at least one listener, for leak checks in tests. */
  get topics(): number {
    return this.#listeners.size;
  }
}
