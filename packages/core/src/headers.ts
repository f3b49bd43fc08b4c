/** Node's request headers: repeated ones such as `set-cookie` come as arrays. */
export type RawHeaders = Readonly<Record<string, string | string[] | undefined>>;

/**
 * Headers whose values repeat from one connection to the next. A scope keeps its request's
 * headers for the life of the connection, so each such value is kept once for all connections
 * instead of once per connection; never credentials or per-handshake values.
 */
const SHARED = new Set([
  "host",
  "connection",
  "upgrade",
  "sec-websocket-version",
  "sec-websocket-extensions",
  "origin",
  "user-agent",
  "accept-encoding",
  "accept-language",
  "cache-control",
  "pragma",
]);
/** Bounds on what is kept: a client sending ever-new values cannot grow the table past them. */
const MAX_VALUES = 1024;
const MAX_LENGTH = 512;
const values = new Map<string, string>();

/**
 * The headers a scope holds: names lower-cased (as Node gives them), repeated headers joined with
 * ", ", and the common values shared with earlier connections.
 */
export function scopeHeaders(headers: RawHeaders): Record<string, string> {
  const result = joinRepeated(headers);
  for (const name in result) {
    if (!SHARED.has(name)) continue;
    const value = result[name] as string;
    const known = values.get(value);
    if (known !== undefined) result[name] = known;
    else if (values.size < MAX_VALUES && value.length <= MAX_LENGTH) values.set(value, value);
  }
  return result;
}

function joinRepeated(headers: RawHeaders): Record<string, string> {
  for (const name in headers) {
    if (typeof headers[name] !== "string") {
      const copy: Record<string, string> = {};
      for (const [key, value] of Object.entries(headers)) {
        if (value !== undefined) copy[key] = Array.isArray(value) ? value.join(", ") : value;
      }
      return copy;
    }
  }
  return headers as Record<string, string>;
}
