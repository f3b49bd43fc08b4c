import type { Middleware, Scope } from "@scallion/core";
import { OptionError, reject } from "@scallion/core";
import { checkOptions, optionChecks } from "@scallion/core/options";
import { respond } from "./_respond.js";

/** Options of {@link origin}. */
export interface OriginOptions {
  /**
   * Origins allowed to connect besides the request's own: exact (`"https://app.example.com"`),
   * with a wildcard for subdomains (`"https://*.example.com"`) or for the port
   * (`"http://localhost:*"`; {@link LOCAL_ORIGINS} lists localhost on any port), or a predicate.
   * Default: the comma-separated `WS_ALLOWED_ORIGINS` environment variable when set, else none.
   */
  allow?: string | readonly string[] | ((origin: string, scope: Scope) => boolean);
  /** Whether a request without an `Origin` header (a non-browser client) may connect. Default true. */
  allowMissing?: boolean;
}

/** Pages served from this machine on any port, for `allow` in development: `origin({ allow: LOCAL_ORIGINS })`. */
export const LOCAL_ORIGINS: readonly string[] = Object.freeze(
  ["localhost", "127.0.0.1", "[::1]"].flatMap((host) => [`http://${host}:*`, `https://${host}:*`]),
);

/** `scheme://host[:port]`, as browsers send it: no path, no user info. */
const ORIGIN = /^([a-z][a-z0-9+.-]*):\/\/(\[[0-9a-f:.]+\]|[a-z0-9-]+(?:\.[a-z0-9-]+)*)(?::(\d{1,5}))?$/;
/** The same, with an optional `*.` before the host and `*` as the port. */
const PATTERN = /^([a-z][a-z0-9+.-]*):\/\/(\*\.)?(\[[0-9a-f:.]+\]|[a-z0-9-]+(?:\.[a-z0-9-]+)*)(?::(\d{1,5}|\*))?$/;
/** `host[:port]` as a Host header carries it. */
const HOST = /^(\[[0-9a-f:.]+\]|[a-z0-9-]+(?:\.[a-z0-9-]+)*)(?::(\d{1,5}))?$/;
const DEFAULT_PORTS: Readonly<Record<string, string>> = { http: "80", https: "443", ws: "80", wss: "443" };
const MAX_ORIGIN_LENGTH = 2048;

interface Rule {
  readonly scheme: string;
  /** The host, or for a wildcard the suffix that must follow at least one label (".example.com"). */
  readonly host: string;
  readonly subdomains: boolean;
  /** A port, "" for the scheme's default, or "*" for any. */
  readonly port: string;
}

/**
 * Refuses connections from web pages of other origins (cross-site WebSocket hijacking): a page
 * may connect from the origin the request itself names (`scope.host`: the `Host` header, or the
 * forwarded host under `trustProxy`), or from one that `allow` adds; else `reject(403)`. Cookies
 * are not scoped by port, so another port of the same host is another origin. It only decides:
 * an allowed connection goes on to `next` with nothing added.
 *
 * @example
 * compose(origin({ allow: ["https://example.com", "https://*.example.com"] }), auth({ verify }))(chat);
 */
export function origin(options: OriginOptions = {}): Middleware {
  checkOptions("origin()", options, { allow: () => undefined, allowMissing: optionChecks.boolean });
  const { allow = fromEnvironment(), allowMissing = true } = options;
  const listed = typeof allow === "function" ? allow : compile(typeof allow === "string" ? [allow] : allow);
  return (next) =>
    function checkOrigin(scope, receiver) {
      const header = scope.headers.origin;
      if (header === undefined) return allowMissing ? next(scope, receiver) : respond(reject(403, "Origin required"));
      return sameOrigin(header, scope.host) || listed(header, scope)
        ? next(scope, receiver)
        : respond(reject(403, "Origin not allowed"));
    };
}

function fromEnvironment(): readonly string[] {
  const value = process.env.WS_ALLOWED_ORIGINS?.trim();
  if (!value) return [];
  return value.split(",").map((o) => o.trim()).filter((o) => o !== "");
}

/** Whether the page's origin names the host (and port) the request was sent to. */
function sameOrigin(header: string, host: string): boolean {
  if (host === "" || header.length > MAX_ORIGIN_LENGTH) return false;
  const page = ORIGIN.exec(header.toLowerCase());
  const asked = HOST.exec(host);
  if (page === null || asked === null) return false;
  const [, scheme = "", pageHost, pagePort = ""] = page;
  const [, askedHost, askedPort = ""] = asked;
  const defaultPort = DEFAULT_PORTS[scheme];
  const normal = (port: string): string => (port === defaultPort ? "" : port);
  return pageHost === askedHost && normal(pagePort) === normal(askedPort);
}

/** Compiles the patterns once: exact origins into a Set, wildcards into rules. */
function compile(patterns: readonly string[]): (origin: string) => boolean {
  if (!Array.isArray(patterns)) {
    throw new OptionError("origin()", "allow", "must be an origin, a list of origins, or a function");
  }
  const exact = new Set<string>();
  const rules: Rule[] = [];
  for (const pattern of patterns) {
    const m = typeof pattern === "string" ? PATTERN.exec(pattern.toLowerCase()) : null;
    if (m === null) {
      throw new OptionError("origin()", "allow", `has ${JSON.stringify(pattern)}, not an origin like "https://*.example.com" or "http://localhost:*"`);
    }
    const [, scheme = "", star, host = "", port = ""] = m;
    const normalPort = port === DEFAULT_PORTS[scheme] ? "" : port;
    if (star === undefined && port !== "*") exact.add(normalPort === "" ? `${scheme}://${host}` : `${scheme}://${host}:${normalPort}`);
    else rules.push({ scheme, host: star === undefined ? host : `.${host}`, subdomains: star !== undefined, port: normalPort });
  }
  return function isAllowed(header) {
    if (header.length > MAX_ORIGIN_LENGTH) return false;
    const m = ORIGIN.exec(header.toLowerCase());
    if (m === null) return false; // "null" (sandboxed frames, file://) and anything malformed
    const [, scheme = "", host = "", rawPort = ""] = m;
    const port = rawPort === DEFAULT_PORTS[scheme] ? "" : rawPort;
    if (exact.has(port === "" ? `${scheme}://${host}` : `${scheme}://${host}:${port}`)) return true;
    return rules.some(
      (rule) =>
        rule.scheme === scheme &&
        (rule.port === "*" || rule.port === port) &&
        (rule.subdomains ? host.length > rule.host.length && host.endsWith(rule.host) : host === rule.host),
    );
  };
}
