import { randomBytes } from "node:crypto";
import type { TrustProxy } from "./client-address.js";
import { clientAddress, requestHost } from "./client-address.js";
import type { RawHeaders } from "./headers.js";
import { scopeHeaders } from "./headers.js";
import { signalOf } from "./lifecycle.js";

/**
 * What a handler knows about its connection, built from the upgrade request. Middleware adds to
 * it (`params` from the router, `user` from auth, …) by passing `extendScope(scope, extra)` on.
 * Its `id` names the connection to the runtime (`lifecycleOf`, `signal`): keep it as it is.
 */
export interface Scope {
  /** Unique id of this connection, used in logs. */
  readonly id: string;
  /** The request target: path and query string as the client sent them. */
  readonly url: string;
  /** The path, still percent-encoded. */
  readonly path: string;
  /** The query string's parameters (the last value wins where a name repeats). */
  readonly query: Readonly<Record<string, string>>;
  /** Request headers, names lower-cased, repeated headers joined with ", ". */
  readonly headers: Readonly<Record<string, string>>;
  /** The subprotocols the client offered, in its order of preference. */
  readonly subprotocols: readonly string[];
  /** The client's IP address: the socket's, or with `trustProxy`, what the proxies forwarded. */
  readonly address: string;
  /**
   * The host the client asked for (`example.com:8080`), lower-cased: the `Host` header, or with
   * `trustProxy` the `X-Forwarded-Host` the proxies passed on; "" if none. `origin()` compares
   * page origins with it.
   */
  readonly host: string;
  /** Path parameters, filled by the router. */
  readonly params: Readonly<Record<string, string>>;
  /** Aborted when the connection ends: hand it to timers, fetches and streams the handler starts. */
  readonly signal: AbortSignal;
}

/** What a transport knows of an upgrade request; the runtime makes a {@link Scope} of it. */
export interface RequestInfo {
  readonly url: string;
  readonly headers: RawHeaders;
  readonly address: string;
}

/**
 * Builds the scope of a new connection, with a fresh id. The scope is plain data: its `signal` is
 * that of the {@link Lifecycle} registered under its id (`new Lifecycle(scope.id)`).
 */
export function createScope(request: RequestInfo, trustProxy: TrustProxy = false): Scope {
  const { url } = request;
  const q = url.indexOf("?");
  const headers = scopeHeaders(request.headers);
  const scope = {
    id: connectionId(),
    url,
    path: q === -1 ? url : url.slice(0, q),
    headers,
    subprotocols: parseSubprotocols(headers["sec-websocket-protocol"]),
    address: clientAddress(request.address, request.headers, trustProxy),
    host: requestHost(request.headers, trustProxy),
    params: NONE,
  };
  // An AbortSignal costs most of a kilobyte, and the query's object and strings a hundred bytes
  // and a parse: both made on first use, as most handlers never ask. Each getter is one function
  // for all scopes: a getter of each connection's own would give every scope a shape of its own,
  // and V8 would fall back to slow dictionary objects.
  Object.defineProperty(scope, "query", QUERY);
  Object.defineProperty(scope, "signal", SIGNAL);
  return scope as unknown as Scope;
}

/** The empty query and params every connection without any shares, rather than one object each. */
const NONE: Readonly<Record<string, string>> = Object.freeze({});
const NO_SUBPROTOCOLS: readonly string[] = Object.freeze([]);

/** The queries parsed so far, by the scope (or copy of one) they were read from. */
const queries = new WeakMap<object, Readonly<Record<string, string>>>();

const QUERY: PropertyDescriptor = {
  enumerable: true,
  configurable: true,
  get(this: { readonly url: string }) {
    const q = this.url.indexOf("?");
    if (q === -1) return NONE;
    let query = queries.get(this);
    if (query === undefined) {
      query = Object.fromEntries(new URLSearchParams(this.url.slice(q + 1)));
      queries.set(this, query);
    }
    return query;
  },
};

const SIGNAL: PropertyDescriptor = {
  enumerable: true,
  configurable: true,
  get(this: { readonly id: string }) {
    return signalOf(this.id);
  },
};

/**
 * `scope` with `extra` added (or replaced), for middleware to hand on:
 * `next(extendScope(scope, { user }), receiver)`. It is `{ ...scope, ...extra }` but for one
 * thing: a spread reads every property, `signal` too, and so makes the connection's AbortSignal
 * (most of a kilobyte) at once; here `signal` is still made only if a handler asks for it. A
 * spread works as well, at that cost.
 */
export function extendScope<S extends object, E extends object>(scope: S, extra: E): S & E {
  const extended: Record<PropertyKey, unknown> = {};
  for (const key of Reflect.ownKeys(scope)) {
    const descriptor = Object.getOwnPropertyDescriptor(scope, key) as PropertyDescriptor;
    if (descriptor.enumerable !== true) continue;
    if (descriptor.get !== undefined) Object.defineProperty(extended, key, descriptor);
    else extended[key] = descriptor.value;
  }
  for (const key of Reflect.ownKeys(extra)) {
    Object.defineProperty(extended, key, {
      value: (extra as Record<PropertyKey, unknown>)[key],
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return extended as S & E;
}

/** Random bytes drawn in batches; each id takes 12 of them (96 bits). */
let pool = Buffer.alloc(0);
let offset = 0;

/**
 * A fresh connection id: 16 URL-safe characters. Cheaper than `randomUUID()`, whose result is a
 * string built by concatenation that each connection would keep as a tree of parts.
 */
function connectionId(): string {
  if (offset + 12 > pool.length) {
    pool = randomBytes(12 * 256);
    offset = 0;
  }
  offset += 12;
  return pool.toString("base64url", offset - 12, offset);
}

function parseSubprotocols(header: string | undefined): readonly string[] {
  if (!header) return NO_SUBPROTOCOLS;
  return header
    .split(",")
    .map((p) => p.trim())
    .filter((p) => p !== "");
}
