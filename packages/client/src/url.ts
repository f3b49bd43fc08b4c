import { ClientError } from "./errors.js";

/** The parts of `window.location` that {@link resolveUrl} reads. */
export interface LocationLike {
  readonly protocol: string;
  readonly host: string;
}

/** Options of {@link resolveUrl}. */
export interface UrlOptions {
  /**
   * Where paths are resolved: a path prefix such as `"/ws"` for a reverse proxy that serves the
   * app under it, or an absolute URL (`"wss://example.com/ws"`) for a server elsewhere.
   */
  base?: string;
  /** The page's location; default `globalThis.location` (absent in Node). */
  location?: LocationLike;
}

const ABSOLUTE = /^[a-z][a-z\d+.-]*:/i;

/**
 * The WebSocket URL for `target`. An absolute URL is kept (`http:`/`https:` become `ws:`/`wss:`);
 * a path is joined to `base`, and its scheme, host and port follow the page: `wss:` on an
 * `https:` page, `ws:` otherwise. Throws a `SCALLION_INVALID_OPTION` {@link ClientError} for a
 * path with neither a page nor an absolute `base` to resolve it against.
 *
 * @example
 * // on https://chat.example.com/
 * resolveUrl("/chat/lobby", { base: "/ws" }); // "wss://chat.example.com/ws/chat/lobby"
 */
export function resolveUrl(target: string | URL, options: UrlOptions = {}): string {
  if (typeof target !== "string" || ABSOLUTE.test(target)) return toWebSocketUrl(new URL(target));
  const { base = "" } = options;
  const location = options.location ?? (globalThis as { location?: LocationLike }).location;
  let origin: URL;
  if (ABSOLUTE.test(base)) origin = new URL(base);
  else if (location !== undefined) origin = new URL(`${location.protocol === "https:" ? "wss:" : "ws:"}//${location.host}${base}`);
  else {
    throw new ClientError(
      "SCALLION_INVALID_OPTION",
      `cannot resolve the path "${target}" without a page: pass a ws:// or wss:// URL, or an absolute base`,
    );
  }
  const prefix = origin.pathname.replace(/\/+$/, "");
  return toWebSocketUrl(new URL(`${prefix}/${target.replace(/^\/+/, "")}`, origin));
}

function toWebSocketUrl(url: URL): string {
  if (url.protocol === "http:") url.protocol = "ws:";
  else if (url.protocol === "https:") url.protocol = "wss:";
  else if (url.protocol !== "ws:" && url.protocol !== "wss:") {
    throw new ClientError("SCALLION_INVALID_OPTION", `unsupported URL scheme "${url.protocol}": use ws:, wss:, http: or https:`);
  }
  url.hash = "";
  return url.href;
}
