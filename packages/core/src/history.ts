import { randomBytes } from "node:crypto";
import type { Message } from "./events.js";
import { OptionError } from "./option-check.js";

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

/** How much history a topic keeps: the last `size` messages, each for `ttl` ms (default: no expiry). */
export interface HistoryOptions {
  readonly size: number;
  readonly ttl?: number;
}

/** Topics that keep history: keys are topic names, or prefixes ending in `*` ("room:*"). */
export type HistoryConfig = Readonly<Record<string, HistoryOptions>>;

interface Kept {
  readonly epoch: string;
  offset: number;
  /** When to forget the topic: a `ttl` after its last message expired (never without `ttl`). */
  forgetAt: number;
  /** Recorded messages with the time each expires, oldest first. */
  readonly entries: (Recorded & { readonly expires: number })[];
}

/**
 * The history of an engine's topics in this process's memory. A topic's history starts (in a new
 * epoch) when first used, and is forgotten a `ttl` after its last message expired, so idle topics
 * cost nothing for long (a client away longer than that is told "not recovered"); a topic without
 * `ttl` keeps its last `size` messages for good.
 */
export class MemoryHistory {
  readonly #exact = new Map<string, HistoryOptions>();
  readonly #prefixes: [string, HistoryOptions][] = [];
  readonly #topics = new Map<string, Kept>();
  readonly #now: () => number;
  #recorded = 0;

  constructor(config: HistoryConfig, where: string, now: () => number = Date.now) {
    if (typeof config !== "object" || config === null) throw new OptionError(where, "history", "must be an object of topic patterns");
    for (const [pattern, options] of Object.entries(config)) {
      checkHistoryOptions(where, pattern, options);
      if (pattern.endsWith("*")) this.#prefixes.push([pattern.slice(0, -1), options]);
      else this.#exact.set(pattern, options);
    }
    // The longest prefix wins, so "room:vip:*" can differ from "room:*".
    this.#prefixes.sort((a, b) => b[0].length - a[0].length);
    this.#now = now;
  }

  /** The options `topic` keeps history by, if any. */
  optionsFor(topic: string): HistoryOptions | undefined {
    const exact = this.#exact.get(topic);
    if (exact !== undefined) return exact;
    for (const [prefix, options] of this.#prefixes) if (topic.startsWith(prefix)) return options;
    return undefined;
  }

  /** Records `data` as `topic`'s next message: its position. */
  record(topic: string, data: Message, options: HistoryOptions): Position {
    const kept = this.#kept(topic, options);
    const offset = ++kept.offset;
    const ttl = options.ttl ?? Infinity;
    const now = this.#now();
    kept.entries.push({ data, offset, expires: now + ttl });
    kept.forgetAt = now + 2 * ttl;
    if (kept.entries.length > options.size) kept.entries.shift();
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
    return { position, messages: kept.entries.slice(kept.entries.length - missed).map(({ data, offset }) => ({ data, offset })) };
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
      kept = { epoch: randomBytes(6).toString("base64url"), offset: 0, forgetAt, entries: [] };
      this.#topics.set(topic, kept);
    }
    return kept;
  }

  #expire(topic: string, kept: Kept): void {
    const now = this.#now();
    let expired = 0;
    while (expired < kept.entries.length && (kept.entries[expired] as { expires: number }).expires <= now) expired++;
    if (expired > 0) kept.entries.splice(0, expired);
    // Long idle: forget the topic; it starts again in a new epoch.
    if (now >= kept.forgetAt) this.#topics.delete(topic);
  }

  #sweep(): void {
    for (const [topic, kept] of this.#topics) this.#expire(topic, kept);
  }
}

function checkHistoryOptions(where: string, pattern: string, options: HistoryOptions): void {
  const name = `history[${JSON.stringify(pattern)}]`;
  if (pattern === "" || pattern.indexOf("*") !== -1 && pattern.indexOf("*") !== pattern.length - 1) {
    throw new OptionError(where, name, 'must be a topic, or a prefix ending in "*"');
  }
  if (typeof options !== "object" || options === null) throw new OptionError(where, name, "must be { size, ttl? }");
  if (!(Number.isInteger(options.size) && options.size > 0)) throw new OptionError(where, `${name}.size`, "must be a positive whole number of messages");
  if (options.ttl !== undefined && !(Number.isInteger(options.ttl) && options.ttl > 0)) {
    throw new OptionError(where, `${name}.ttl`, "must be a positive whole number of milliseconds");
  }
}
