import type { Message } from "./events.js";
import type { HistoryConfig, Position, Recovery } from "./history.js";
import { MemoryHistory } from "./history.js";
import { TopicListeners } from "./listeners.js";

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
  /** Its place in the topic's history, on a topic that keeps history (set by the engine). */
  readonly position?: Position;
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
  /**
   * Carries `message` to the other nodes: `false` when it could not (the publisher is told
   * `"local"`). On a topic that keeps history it records the message first and gives its
   * position, which the other nodes receive with it.
   */
  publish(message: PubSubMessage): void | boolean | Position | Promise<void | boolean | Position>;
  /** Records how many of `node`'s connections are subscribed to `topic`, so `count` spans nodes. */
  report(node: string, topic: string, subscribers: number): void | Promise<void>;
  /** Subscribed connections across every node. */
  count(topic: string): number | Promise<number>;
  /** Whether `topic` keeps history (an engine without history need not have this). */
  keepsHistory?(topic: string): boolean;
  /**
   * Where a topic that keeps history stands, and what it has after `from` (if asked);
   * `undefined` when the engine cannot tell (its store is unreachable).
   */
  recover?(topic: string, from?: Position): Recovery | undefined | Promise<Recovery | undefined>;
}

/** Options of {@link MemoryPubSub}. */
export interface MemoryPubSubOptions {
  /**
   * Topics that keep history, by name or by prefix ending in `*`: `{ "room:*": { size: 100,
   * ttl: 60_000 } }` keeps each room's last 100 messages for a minute, so a client that comes
   * back resumes where it left off (see `subscribe(topic, { since })`).
   */
  history?: HistoryConfig;
}

/**
 * The pub/sub engine of one process: nothing to install, shared by every server in the process
 * that is given the same instance, with history in memory for the topics that keep it.
 */
export class MemoryPubSub implements PubSub {
  readonly #listeners = new TopicListeners();
  readonly #presence = new Map<string, Map<string, number>>();
  readonly #history: MemoryHistory | undefined;

  constructor(options: MemoryPubSubOptions = {}) {
    const { history } = options;
    this.#history = history === undefined ? undefined : new MemoryHistory(history, "MemoryPubSub");
  }

  subscribe(topic: string, listener: PubSubListener): void {
    this.#listeners.add(topic, listener);
  }

  unsubscribe(topic: string, listener: PubSubListener): void {
    this.#listeners.delete(topic, listener);
  }

  publish(message: PubSubMessage): boolean | Position {
    const kept = this.#history?.optionsFor(message.topic);
    const position = kept === undefined ? undefined : this.#history?.record(message.topic, message.data, kept);
    const sent = position === undefined ? message : { ...message, position };
    this.#listeners.deliver(sent);
    return position ?? true;
  }

  keepsHistory(topic: string): boolean {
    return this.#history?.optionsFor(topic) !== undefined;
  }

  recover(topic: string, from?: Position): Recovery {
    const history = this.#history as MemoryHistory;
    const kept = history.optionsFor(topic);
    if (kept === undefined) throw new TypeError(`topic ${JSON.stringify(topic)} keeps no history`);
    return history.recover(topic, kept, from);
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
