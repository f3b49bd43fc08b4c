import cluster from "node:cluster";
import type { Worker } from "node:cluster";
import { MemoryHistory } from "@scallion/core/transport";
import { checkOptions, optionChecks } from "@scallion/core/options";
import type { Channel } from "./backlog.js";
import { Backlog } from "./backlog.js";
import { Registry } from "./registry.js";
import type { Answer, Request, ToPrimary } from "./wire.js";
import { isClusterMessage, NAMESPACE, recoveryToWire } from "./wire.js";

/** Options of {@link startClusterHub}. */
export interface ClusterHubOptions {
  /**
   * Messages waiting to be written to one worker; beyond it, what that worker should receive
   * (messages, answers) is dropped and counted in `dropped`: a worker that stops reading its
   * channel costs bounded memory here. Default 10,000.
   */
  maxBacklog?: number;
}

const WHERE = "startClusterHub()";

/**
 * What the primary of a `node:cluster` runs for its workers' {@link ClusterPubSub}s: it knows
 * which worker listens to which topic (each worker subscribes once per topic, whatever its
 * connections do) and relays a message only to those, never back to the worker that published
 * it, which has delivered it already; it sums presence across workers and keeps the history of
 * the topics that have it, so a client resumes on any worker. A worker that exits is forgotten:
 * its subscriptions and its presence go with it.
 */
export class ClusterHub {
  readonly #registry = new Registry<Worker>();
  readonly #backlogs = new Map<Worker, Backlog>();
  readonly #history = new MemoryHistory({}, WHERE);
  readonly #maxBacklog: number;
  readonly #onMessage = (worker: Worker, message: unknown): void => this.#receive(worker, message);
  readonly #onExit = (worker: Worker): void => this.#forget(worker);
  #dropped = 0;

  /** Use {@link startClusterHub}. */
  constructor(options: ClusterHubOptions = {}) {
    checkOptions(WHERE, options, { maxBacklog: optionChecks.positiveInteger });
    this.#maxBacklog = options.maxBacklog ?? 10_000;
    cluster.on("message", this.#onMessage);
    cluster.on("exit", this.#onExit);
    cluster.on("disconnect", this.#onExit);
  }

  /** Messages for a worker dropped because it had `maxBacklog` waiting. */
  get dropped(): number {
    return this.#dropped;
  }

  /** Topics some worker listens to. */
  get topics(): number {
    return this.#registry.topics;
  }

  /** Workers that listen to a topic or report presence. */
  get workers(): number {
    return this.#registry.members;
  }

  /** Stops relaying: the workers' requests go unanswered (and time out) from now on. */
  close(): void {
    cluster.off("message", this.#onMessage);
    cluster.off("exit", this.#onExit);
    cluster.off("disconnect", this.#onExit);
    this.#registry.clear();
    this.#backlogs.clear();
  }

  #receive(worker: Worker, message: unknown): void {
    // What a worker sent as it went is not recorded: it would outlive the worker.
    if (!isClusterMessage(message) || !worker.isConnected()) return;
    const request = message as ToPrimary;
    this.#send(worker, { [NAMESPACE]: 1, op: "answer", id: request.id, value: this.#perform(worker, request) });
  }

  #perform(worker: Worker, request: Request): Answer {
    const registry = this.#registry;
    switch (request.op) {
      case "subscribe":
        registry.subscribe(worker, request.topic);
        return true;
      case "unsubscribe":
        registry.unsubscribe(worker, request.topic);
        return true;
      case "report":
        registry.report(worker, request.node, request.topic, request.subscribers);
        return true;
      case "count":
        return registry.count(request.topic, worker);
      case "recover":
        return recoveryToWire(this.#history.recover(request.topic, request.history, request.from));
      case "publish":
        return this.#publish(worker, request);
    }
  }

  /**
   * To every worker listening to the topic but the publisher, which delivered it itself; a
   * message recorded in history goes to the publisher too, since it delivers it once it has its
   * position, so every worker delivers in the order of the offsets.
   */
  #publish(from: Worker, request: Request & { op: "publish" }): Answer {
    const { message, history } = request;
    if (history === undefined) {
      const relayed = { [NAMESPACE]: 1, op: "message", message };
      for (const worker of this.#registry.subscribers(message.topic)) if (worker !== from) this.#send(worker, relayed);
      return true;
    }
    const data = message.text ?? Buffer.from(message.bytes ?? "", "base64");
    const position = this.#history.record(message.topic, data, history);
    const relayed = { [NAMESPACE]: 1, op: "message", message: { ...message, position } };
    for (const worker of this.#registry.subscribers(message.topic)) this.#send(worker, relayed);
    return position;
  }

  #send(worker: Worker, message: unknown): void {
    if (!worker.isConnected()) return;
    let backlog = this.#backlogs.get(worker);
    if (backlog === undefined) this.#backlogs.set(worker, (backlog = new Backlog(worker as Channel, this.#maxBacklog)));
    if (backlog.full) this.#dropped++;
    else backlog.send(message);
  }

  #forget(worker: Worker): void {
    this.#registry.forget(worker);
    this.#backlogs.delete(worker);
  }
}

/**
 * Relays the workers' pub/sub in the primary of a `node:cluster`; the workers serve with
 * `createClusterPubSub()`. Once per primary, before or after forking.
 *
 * @example
 * if (cluster.isPrimary) {
 *   startClusterHub();
 *   for (let i = 0; i < availableParallelism(); i++) cluster.fork();
 * } else {
 *   await serve(app, { port: 8080, pubsub: createClusterPubSub({ history: { "room:*": { size: 100 } } }) });
 * }
 */
export function startClusterHub(options: ClusterHubOptions = {}): ClusterHub {
  if (!cluster.isPrimary) throw new TypeError(`${WHERE} runs in the primary of a node:cluster; workers use createClusterPubSub()`);
  return new ClusterHub(options);
}
