import { OptionError } from "./option-check.js";

/** How much history a topic keeps: the last `size` messages, each for `ttl` ms (default: no expiry). */
export interface HistoryOptions {
  readonly size: number;
  readonly ttl?: number;
}

/** Topics that keep history: keys are topic names, or prefixes ending in `*` ("room:*"). */
export type HistoryConfig = Readonly<Record<string, HistoryOptions>>;

/**
 * Which topics keep history, and how much: checked when an engine is made (an `OptionError`
 * names the bad entry), then looked up per topic, an exact name first, else the longest prefix.
 */
export class HistoryPatterns {
  readonly #exact = new Map<string, HistoryOptions>();
  readonly #prefixes: [string, HistoryOptions][] = [];

  constructor(config: HistoryConfig, where: string) {
    if (typeof config !== "object" || config === null) throw new OptionError(where, "history", "must be an object of topic patterns");
    for (const [pattern, options] of Object.entries(config)) {
      check(where, pattern, options);
      if (pattern.endsWith("*")) this.#prefixes.push([pattern.slice(0, -1), options]);
      else this.#exact.set(pattern, options);
    }
    // The longest prefix wins, so "room:vip:*" can differ from "room:*".
    this.#prefixes.sort((a, b) => b[0].length - a[0].length);
  }

  /** The options `topic` keeps history by, if any. */
  optionsFor(topic: string): HistoryOptions | undefined {
    const exact = this.#exact.get(topic);
    if (exact !== undefined) return exact;
    for (const [prefix, options] of this.#prefixes) if (topic.startsWith(prefix)) return options;
    return undefined;
  }
}

function check(where: string, pattern: string, options: HistoryOptions): void {
  const name = `history[${JSON.stringify(pattern)}]`;
  const star = pattern.indexOf("*");
  if (pattern === "" || (star !== -1 && star !== pattern.length - 1)) {
    throw new OptionError(where, name, 'must be a topic, or a prefix ending in "*"');
  }
  if (typeof options !== "object" || options === null) throw new OptionError(where, name, "must be { size, ttl? }");
  if (!(Number.isInteger(options.size) && options.size > 0)) {
    throw new OptionError(where, `${name}.size`, "must be a positive whole number of messages");
  }
  if (options.ttl !== undefined && !(Number.isInteger(options.ttl) && options.ttl > 0)) {
    throw new OptionError(where, `${name}.ttl`, "must be a positive whole number of milliseconds");
  }
}
