/** Presence counts: topic → node (a server) → subscribers, none of them zero. */
export type Presence = Map<string, Map<string, number>>;

/** Sets `node`'s count of `topic` (0 removes it); whether the topic has no count left. */
export function setPresence(presence: Presence, node: string, topic: string, subscribers: number): boolean {
  let nodes = presence.get(topic);
  if (subscribers > 0) {
    if (nodes === undefined) presence.set(topic, (nodes = new Map()));
    nodes.set(node, subscribers);
    return false;
  }
  if (nodes?.delete(node) && nodes.size === 0) presence.delete(topic);
  return !presence.has(topic);
}

/** Subscribers of `topic` in `presence`, over every node. */
export function sumPresence(presence: Presence, topic: string): number {
  let total = 0;
  for (const n of presence.get(topic)?.values() ?? []) total += n;
  return total;
}

interface Member {
  readonly topics: Set<string>;
  readonly presence: Presence;
}

/**
 * What the primary knows of its workers: which topics each listens to (once per topic, however
 * many of its connections do), and each one's presence counts. Everything a worker holds is
 * dropped with it when it goes.
 */
export class Registry<W> {
  readonly #members = new Map<W, Member>();
  readonly #subscribers = new Map<string, Set<W>>();

  /** Topics with at least one subscribed worker. */
  get topics(): number {
    return this.#subscribers.size;
  }

  /** Workers holding a subscription or a presence count. */
  get members(): number {
    return this.#members.size;
  }

  /** The workers listening to `topic`. */
  subscribers(topic: string): Iterable<W> {
    return this.#subscribers.get(topic) ?? NONE;
  }

  subscribe(worker: W, topic: string): void {
    this.#member(worker).topics.add(topic);
    let workers = this.#subscribers.get(topic);
    if (workers === undefined) this.#subscribers.set(topic, (workers = new Set()));
    workers.add(worker);
  }

  unsubscribe(worker: W, topic: string): void {
    const member = this.#members.get(worker);
    if (member === undefined || !member.topics.delete(topic)) return;
    const workers = this.#subscribers.get(topic);
    if (workers?.delete(worker) && workers.size === 0) this.#subscribers.delete(topic);
    this.#tidy(worker, member);
  }

  report(worker: W, node: string, topic: string, subscribers: number): void {
    const member = this.#member(worker);
    if (setPresence(member.presence, node, topic, subscribers)) this.#tidy(worker, member);
  }

  /** Subscribers of `topic` in every worker but `except` (which counts its own). */
  count(topic: string, except: W): number {
    let total = 0;
    for (const [worker, member] of this.#members) {
      if (worker !== except) total += sumPresence(member.presence, topic);
    }
    return total;
  }

  /** The worker is gone: its subscriptions and presence with it. */
  forget(worker: W): void {
    const member = this.#members.get(worker);
    if (member === undefined) return;
    for (const topic of [...member.topics]) this.unsubscribe(worker, topic);
    this.#members.delete(worker);
  }

  clear(): void {
    this.#members.clear();
    this.#subscribers.clear();
  }

  #member(worker: W): Member {
    let member = this.#members.get(worker);
    if (member === undefined) this.#members.set(worker, (member = { topics: new Set(), presence: new Map() }));
    return member;
  }

  #tidy(worker: W, member: Member): void {
    if (member.topics.size === 0 && member.presence.size === 0) this.#members.delete(worker);
  }
}

const NONE: readonly never[] = [];
