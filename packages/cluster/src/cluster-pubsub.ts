import cluster from "node:cluster";
import type { HistoryConfig, Position, PubSub, Recovery } from "@scallion/core";
import { checkOptions, optionChecks } from "@scallion/core/options";
import type { PubSubListener, PubSubMessage } from "@scallion/core/transport";
import { HistoryPatterns, TopicListeners } from "@scallion/core/transport";
import type { Channel } from "./backlog.js";
import { Backlog } from "./backlog.js";
import type { Presence } from "./registry.js";
import { setPresence, sumPresence } from "./registry.js";
import { Requests } from "./requests.js";
import type { ToWorker, WireRecovery } from "./wire.js";
import { fromWire, isClusterMessage, recoveryFromWire, toWire } from "./wire.js";

const WHERE = "createClusterPubSub()";

/** Options of {@link createClusterPubSub}. */
export interface ClusterPubSubOptions {
  /**
   * Milliseconds a caller waits for the primary: a publish without an answer by then reached
   * this worker's subscribers only (`"local"`), a count answers from this worker. Default 1000.
   */
  timeout?: number;
  /**
   * Requests (publishes, counts, resumes) waiting for the primary's answer at once, and messages
   * waiting to be written to the channel; beyond either, a publish is `"local"` at once and a
   * count answers from this worker. Default 1000.
   */
  maxPending?: number;
  /**
   * Topics that keep history, by name or by prefix ending in `*`: `{ "room:*": { size: 100,
   * ttl: 60_000 } }`. The primary keeps it, so a client resumes on any worker; give every
   * worker the same.
   */
  history?: HistoryConfig;
}

/**
 * The pub/sub engine of a `node:cluster` worker: the primary (running {@link startClusterHub})
 * carries each message to the other workers whose connections listen to its topic, sums presence
 * across workers, and keeps history. Servers deliver to their own subscribers themselves, at once.
 */
export class ClusterPubSub implements PubSub {
  readonly #listeners = new TopicListeners();
  /** This process's presence counts. */
  readonly #presence: Presence = new Map();
  readonly #patterns: HistoryPatterns;
  readonly #requests: Requests;
  readonly #onMessage = (message: unknown): void => this.#receive(message);
  readonly #onDisconnect = (): void => this.#requests.abandon();
  #dropped = 0;

  /** Use {@link createClusterPubSub}. */
  constructor(options: ClusterPubSubOptions = {}) {
    checkOptions(WHERE, options, { timeout: optionChecks.duration, maxPending: optionChecks.wholeNumber, history: optionChecks.object });
    const max = options.maxPending ?? 1000;
    const backlog = new Backlog(process as Channel, max);
    this.#requests = new Requests(backlog, max, options.timeout ?? 1000, () => process.connected);
    this.#patterns = new HistoryPatterns(options.history ?? {}, WHERE);
    process.on("message", this.#onMessage);
    process.on("disconnect", this.#onDisconnect);
  }

  /** Publishes that did not reach the other workers: the primary was gone, slow, or `maxPending` were waiting. */
  get dropped(): number {
    return this.#dropped;
  }

  /** Topics this worker listens to. */
  get topics(): number {
    return this.#listeners.size;
  }

  /** Requests waiting for the primary's answer. */
  get pending(): number {
    return this.#requests.waiting;
  }

  subscribe(topic: string, listener: PubSubListener): Promise<void> | undefined {
    return this.#listeners.add(topic, listener) ? this.#requests.tell({ op: "subscribe", topic }) : undefined;
  }

  unsubscribe(topic: string, listener: PubSubListener): Promise<void> | undefined {
    return this.#listeners.delete(topic, listener) ? this.#requests.tell({ op: "unsubscribe", topic }) : undefined;
  }

  /**
   * Hands `message` to the primary for the other workers (and to the other servers of this
   * process at once): false when the primary could not take it. A topic that keeps history is
   * recorded by the primary, which brings the message back to every worker with its position.
   */
  publish(message: PubSubMessage): boolean | Position | Promise<boolean | Position> {
    const dropped = (): false => {
      this.#dropped++;
      return false;
    };
    const history = this.#patterns.optionsFor(message.topic);
    const wire = toWire(message);
    if (history !== undefined) return this.#requests.ask<false | Position>({ op: "publish", message: wire, history }, (a) => a as Position, dropped);
    // The publishing server ignores its own message (by origin); the others here deliver it.
    this.#listeners.deliver(message);
    return this.#requests.ask<boolean>({ op: "publish", message: wire }, () => true, dropped);
  }

  keepsHistory(topic: string): boolean {
    return this.#patterns.optionsFor(topic) !== undefined;
  }

  /** Where `topic` stands in the primary's history, and what came after `from`; undefined without an answer. */
  recover(topic: string, from?: Position): Recovery | undefined | Promise<Recovery | undefined> {
    const history = this.#patterns.optionsFor(topic);
    if (history === undefined) throw new TypeError(`topic ${JSON.stringify(topic)} keeps no history`);
    const request = { op: "recover", topic, history, ...(from === undefined ? {} : { from }) } as const;
    return this.#requests.ask<Recovery | undefined>(request, (a) => recoveryFromWire(a as WireRecovery), () => undefined);
  }

  report(node: string, topic: string, subscribers: number): Promise<void> | undefined {
    setPresence(this.#presence, node, topic, subscribers);
    return this.#requests.tell({ op: "report", node, topic, subscribers });
  }

  /** Subscribers of `topic` in every worker; this process's own while the primary cannot answer. */
  count(topic: string): number | Promise<number> {
    const own = sumPresence(this.#presence, topic);
    return this.#requests.ask({ op: "count", topic }, (others) => own + (others as number), () => own);
  }

  /**
   * Stops listening to the channel (so the worker can exit; another engine may be made); the
   * primary forgets this worker's subscriptions when it exits, or as its servers leave.
   */
  close(): void {
    if (current === this) current = undefined;
    process.off("message", this.#onMessage);
    process.off("disconnect", this.#onDisconnect);
    this.#listeners.clear();
    this.#requests.abandon();
  }

  #receive(message: unknown): void {
    if (!isClusterMessage(message)) return;
    const m = message as ToWorker;
    if (m.op === "answer") this.#requests.answer(m.id, m.value);
    else this.#listeners.deliver(fromWire(m.message));
  }

}


/**
 * The pub/sub engine of this `node:cluster` worker; give it to `serve(app, { pubsub })`, once per
 * worker. The primary runs {@link startClusterHub}.
 *
 * @example
 * if (cluster.isPrimary) {
 *   startClusterHub();
 *   for (let i = 0; i < availableParallelism(); i++) cluster.fork();
 * } else {
 *   await serve(app, { port: 8080, pubsub: createClusterPubSub() });
 * }
 */
export function createClusterPubSub(options: ClusterPubSubOptions = {}): ClusterPubSub {
  if (!cluster.isWorker || process.send === undefined) {
    throw new TypeError(`${WHERE} runs in a node:cluster worker; the primary runs startClusterHub()`);
  }
  // The primary knows a worker by its channel: two engines in one would unsubscribe each other.
  if (current !== undefined) throw new TypeError(`${WHERE}: this worker has one already; give it to every server here`);
  return (current = new ClusterPubSub(options));
}

/** This worker's engine, until it is closed. */
let current: ClusterPubSub | undefined;
