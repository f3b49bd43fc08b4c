import { randomBytes } from "node:crypto";
import type { Message } from "./events.js";
import type { HistoryConfig, HistoryOptions } from "./history-patterns.js";
import { HistoryPatterns } from "./history-patterns.js";
import { Ring } from "./ring.js";

export type { HistoryConfig, HistoryOptions } from "./history-patterns.js";

/**
 * Where a message stands in its topic's history: `offset` counts the topic's messages from 1
 * (0 before the first), `epoch` names the history; a new epoch means what came before is lost.
 */
export interface Position {
  readonly epoch: string;
  readonly offset: number;
}

/** A message kept in a topic's history. */
export interface Recorded {
  readonly data: Message;
  readonly offset: number;
}

/**
 * What a topic has after a position: `messages` in order, or `undefined` when history does not
 * cover everything since (another epoch, trimmed by `size`, expired by `ttl`); and where the
 * topic stands now.
 */
export interface Recovery {
  readonly position: Position;
  readonly messages: readonly Recorded[] | undefined;
}

interface Kept {
  readonly epoch: string;
  offset: number;
  /** When to forget the topic: a `ttl` after its last message expired (never without `ttl`). */
  forgetAt: number;
  /** Recorded messages with the time each expires, oldest first: the last `size`. */
  readonly entries: Ring<Recorded & { readonly expires: number }>;
}

/**
 * The history of an engine's topics in this process's memory. A topic's history starts (in a new
 * epoch) when first used, and is forgotten a `ttl` after its last message expired, so idle topics
 * cost nothing for long (a client away longer than that is told "not recovered"); a topic without
 * `ttl` keeps its last `size` messages for good.
 */
export class MemoryHistory {
  readonly #patterns: HistoryPatterns;
  readonly #topics = new Map<string, Kept>();
  readonly #now: () => number;
  #recorded = 0;

  constructor(config: HistoryConfig, where: string, now: () => number = Date.now) {
    this.#patterns = new HistoryPatterns(config, where);
    this.#now = now;
  }

  /** The options `topic` keeps history by, if any. */
  optionsFor(topic: string): HistoryOptions | undefined {
    return this.#patterns.optionsFor(topic);
  }

  /** Records `data` as `topic`'s next message: its position. */
  record(topic: string, data: Message, options: HistoryOptions): Position {
    const kept = this.#kept(topic, options);
    const offset = ++kept.offset;
    const ttl = options.ttl ?? Infinity;
    const now = this.#now();
    kept.entries.push({ data, offset, expires: now + ttl });
    kept.forgetAt = now + 2 * ttl;
    // Now and then, forget what expired in topics nobody touches any more.
    if (++this.#recorded % 1024 === 0) this.#sweep();
    return { epoch: kept.epoch, offset };
  }

  /** What `topic` has after `from` (nothing asked: only where it stands). */
  recover(topic: string, options: HistoryOptions, from?: Position): Recovery {
    const kept = this.#kept(topic, options);
    const position = { epoch: kept.epoch, offset: kept.offset };
    if (from === undefined) return { position, messages: undefined };
    if (from.epoch !== kept.epoch || from.offset > kept.offset) return { position, messages: undefined };
    const missed = kept.offset - from.offset;
    if (missed > kept.entries.length) return { position, messages: undefined };
    return { position, messages: kept.entries.newest(missed).map(({ data, offset }) => ({ data, offset })) };
  }

  /** Topics with history in memory, for leak checks in tests. */
  get topics(): number {
    return this.#topics.size;
  }

  #kept(topic: string, options: HistoryOptions): Kept {
    let kept = this.#topics.get(topic);
    if (kept !== undefined) this.#expire(topic, kept);
    kept = this.#topics.get(topic);
    if (kept === undefined) {
      const forgetAt = this.#now() + (options.ttl ?? Infinity);
      kept = { epoch: randomBytes(6).toString("base64url"), offset: 0, forgetAt, entries: new Ring(options.size) };
      this.#topics.set(topic, kept);
    }
    return kept;
  }

  #expire(topic: string, kept: Kept): void {
    const now = this.#now();
    let expired = 0;
    while (expired < kept.entries.length && kept.entries.at(expired).expires <= now) expired++;
    kept.entries.dropOldest(expired);
    // Long idle: forget the topic; it starts again in a new epoch.
    if (now >= kept.forgetAt) this.#topics.delete(topic);
  }

  #sweep(): void {
    for (const [topic, kept] of this.#topics) this.#expire(topic, kept);
  }
}
