import { randomUUID } from "node:crypto";
import type { TrustProxy } from "./client-address.js";
import { clientAddress } from "./client-address.js";
import type { Lifecycle } from "./lifecycle.js";
import { kLifecycle } from "./lifecycle.js";

/**
 * What a handler knows about its connection, built from the upgrade request. Middleware adds to
 * it (`params` from the router, `user` from auth, …) by passing `{ ...scope, extra }` on.
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
  /** Path parameters, filled by the router. */
  readonly params: Readonly<Record<string, string>>;
  /** Aborted when the connection ends: hand it to timers, fetches and streams the handler starts. */
  readonly signal: AbortSignal;
}

/** What a transport knows of an upgrade request; the runtime makes a {@link Scope} of it. */
export interface RequestInfo {
  readonly url: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly address: string;
}

/** Builds the scope of a new connection. */
export function createScope(
  request: RequestInfo,
  signal: AbortSignal,
  lifecycle: Lifecycle,
  trustProxy: TrustProxy = false,
): Scope {
  const { url } = request;
  const q = url.indexOf("?");
  const headers = normalizeHeaders(request.headers);
  return {
    id: randomUUID(),
    url,
    path: q === -1 ? url : url.slice(0, q),
    query: q === -1 ? {} : Object.fromEntries(new URLSearchParams(url.slice(q + 1))),
    headers,
    subprotocols: parseSubprotocols(headers["sec-websocket-protocol"]),
    address: clientAddress(request.address, request.headers, trustProxy),
    params: {},
    signal,
    [kLifecycle]: lifecycle,
  } as Scope;
}

/** Node gives repeated headers such as `set-cookie` as arrays; a scope holds strings only. */
function normalizeHeaders(
  headers: Readonly<Record<string, string | string[] | undefined>>,
): Record<string, string> {
  for (const value of Object.values(headers)) {
    if (typeof value !== "string") {
      const copy: Record<string, string> = {};
      for (const [name, v] of Object.entries(headers)) {
        if (v !== undefined) copy[name] = Array.isArray(v) ? v.join(", ") : v;
      }
      return copy;
    }
  }
  return headers as Record<string, string>;
}

function parseSubprotocols(header: string | undefined): string[] {
  if (!header) return [];
  return header
    .split(",")
    .map((p) => p.trim())
    .filter((p) => p !== "");
}
