/**
 * What the shipped middleware do to messages, known at run time too: `json()` reads the client's
 * raw messages and hands on parsed values, `validate()` hands on parsed values. `compose()` uses
 * it to refuse, when types were bypassed, a chain whose order cannot work.
 */
interface Kind {
  /** How the middleware is called, for the error. */
  readonly name: string;
  /** It needs the client's own messages (strings and bytes). */
  readonly readsRaw: boolean;
  /** What it hands on are parsed values, no longer messages. */
  readonly parses: boolean;
}

const kinds = new WeakMap<object, Kind>();

/** Records what `middleware` does to messages; returns it. */
export function describe<M extends object>(middleware: M, kind: Kind): M {
  kinds.set(middleware, kind);
  return middleware;
}

/** Throws a `TypeError` naming both when a middleware that reads raw messages follows one that parses them. */
export function checkOrder(chain: readonly object[]): void {
  let parsedBy: string | undefined;
  chain.forEach((middleware, i) => {
    const kind = kinds.get(middleware);
    if (kind === undefined) return;
    if (kind.readsRaw && parsedBy !== undefined) {
      throw new TypeError(
        `compose(): ${kind.name} at position ${i} reads the client's raw messages, but ${parsedBy} before it hands on ` +
          `parsed values: put ${kind.name} first, as in compose(json(), validate(schema))`,
      );
    }
    if (kind.parses) parsedBy ??= `${kind.name} at position ${i}`;
  });
}

/** Records what a composed chain does to messages, so a chain of chains is checked as well. */
export function describeChain<M extends object>(chain: readonly object[], composed: M): M {
  const inner = chain.map((middleware) => kinds.get(middleware));
  const first = inner.findIndex((kind) => kind?.readsRaw === true || kind?.parses === true);
  const readsRaw = first !== -1 && inner[first]?.readsRaw === true;
  const parses = inner.some((kind) => kind?.parses === true);
  if (!readsRaw && !parses) return composed;
  return describe(composed, { name: "a compose() chain", readsRaw, parses });
}
