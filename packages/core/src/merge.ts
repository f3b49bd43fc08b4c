import { isConnectionReceiver } from "./receiver.js";

/** One value from a merged source, tagged with the source's name or position. */
export interface Tagged<K, V> {
  readonly source: K;
  readonly value: V;
}

type ValueOf<I> = I extends AsyncIterable<infer V> ? V : never;
type Index<K> = K extends `${infer N extends number}` ? N : never;

type FromTuple<T extends readonly AsyncIterable<unknown>[]> = {
  [K in keyof T]: Tagged<Index<K>, ValueOf<T[K]>>;
}[number];
type FromRecord<T extends Record<string, AsyncIterable<unknown>>> = {
  [K in keyof T]: Tagged<K, ValueOf<T[K]>>;
}[keyof T];

interface Source {
  readonly tag: string | number;
  readonly iterator: AsyncIterator<unknown>;
  /** The connection's receiver: when it ends, the connection has ended, and so does the merge. */
  readonly isReceiver: boolean;
  done: boolean;
}

type Settled = { source: Source; result: IteratorResult<unknown> } | { source: Source; error: unknown };

/**
 * One async iterable over several sources, each value tagged with where it came from: its
 * position (`merge(receiver, ticks)`) or its name (`merge({ message: receiver, tick: ticks })`).
 * It ends when a connection receiver among the sources ends, otherwise when all sources end,
 * and every source still running is cancelled (`return()`) when it ends or the loop is left.
 * Sources are read one value ahead, never more.
 *
 * @example
 * for await (const { source, value } of merge({ message: receiver, tick: ticks(scope.signal) })) {
 *   yield send(source === "tick" ? `tick ${value}` : `echo ${value}`);
 * }
 */
export function merge<T extends readonly AsyncIterable<unknown>[]>(
  ...sources: T
): AsyncGenerator<FromTuple<T>, void, undefined>;
export function merge<T extends Record<string, AsyncIterable<unknown>>>(
  sources: T,
): AsyncGenerator<FromRecord<T>, void, undefined>;
export function merge(
  ...args: AsyncIterable<unknown>[] | [Record<string, AsyncIterable<unknown>>]
): AsyncGenerator<Tagged<string | number, unknown>, void, undefined> {
  const first = args[0];
  const entries: [string | number, AsyncIterable<unknown>][] =
    args.length === 1 && first !== undefined && !isAsyncIterable(first)
      ? Object.entries(first)
      : (args as AsyncIterable<unknown>[]).map((source, i) => [i, source]);
  for (const [tag, source] of entries) {
    if (!isAsyncIterable(source)) throw new TypeError(`merge(): source ${String(tag)} is not async iterable`);
  }
  return run(
    entries.map(([tag, source]) => ({
      tag,
      iterator: source[Symbol.asyncIterator](),
      isReceiver: isConnectionReceiver(source),
      done: false,
    })),
  );
}

async function* run(sources: Source[]): AsyncGenerator<Tagged<string | number, unknown>, void, undefined> {
  const settled: Settled[] = [];
  let wake: (() => void) | undefined;
  const pull = (source: Source): void => {
    source.iterator.next().then(
      (result) => {
        settled.push({ source, result });
        wake?.();
      },
      (error: unknown) => {
        settled.push({ source, error });
        wake?.();
      },
    );
  };
  let live = sources.length;
  try {
    for (const source of sources) pull(source);
    while (live > 0) {
      while (settled.length === 0) await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
      const item = settled.shift() as Settled;
      const { source } = item;
      if ("error" in item) {
        source.done = true;
        throw item.error;
      }
      if (item.result.done) {
        source.done = true;
        live--;
        if (source.isReceiver) return;
        continue;
      }
      yield { source: source.tag, value: item.result.value };
      pull(source);
    }
  } finally {
    for (const source of sources) {
      if (!source.done) source.iterator.return?.()?.catch(() => {});
    }
  }
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === "object" && value !== null && Symbol.asyncIterator in value;
}
