import { createHash } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { gzipSync } from "node:zlib";
import type { ScriptFormat } from "./_bundle.js";
import { loadScript } from "./_bundle.js";

export type { ScriptFormat } from "./_bundle.js";

/** Options of {@link clientScriptHandler}. */
export interface ClientScriptOptions {
  /** Where the ES module is served. Default `"/scallion-client.js"`. */
  path?: string;
  /** Where the classic-script build (global `Scallion`) is served. Default `"/scallion-client.global.js"`. */
  globalPath?: string;
}

interface Built {
  text: string;
  gzip: Buffer;
  etag: string;
}

const cache = new Map<ScriptFormat, Promise<Built>>();

function built(format: ScriptFormat): Promise<Built> {
  let entry = cache.get(format);
  if (entry === undefined) {
    entry = loadScript(format).then((text) => ({
      text,
      gzip: gzipSync(text),
      etag: `"${createHash("sha256").update(text).digest("base64url").slice(0, 22)}"`,
    }));
    // A failed build is not cached: the next request tries again.
    entry.catch(() => cache.delete(format));
    cache.set(format, entry);
  }
  return entry;
}

/**
 * The browser build of `@scallion/client` as JavaScript text, built once per process and kept in
 * memory: `"esm"` (default) to import, `"iife"` for a `<script>` that defines `window.Scallion`.
 */
export async function clientScript(format: ScriptFormat = "esm"): Promise<string> {
  return (await built(format)).text;
}

/** A node:http (or Express/Connect) request handler; returns true when it took the request. */
export type ClientScriptHandler = (req: IncomingMessage, res: ServerResponse, next?: () => void) => boolean;

/**
 * A request handler that serves the browser build, so a page needs no bundler. It answers GET and
 * HEAD for its two paths (gzip when accepted, an ETag for revalidation) and returns false for
 * every other request, after calling `next` if given.
 *
 * @example
 * const scripts = clientScriptHandler();
 * const http = createServer((req, res) => {
 *   if (scripts(req, res)) return;
 *   res.end(page); // <script type="module">import { connect } from "/scallion-client.js"; …</script>
 * });
 * attach(app, http);
 */
export function clientScriptHandler(options: ClientScriptOptions = {}): ClientScriptHandler {
  const { path = "/scallion-client.js", globalPath = "/scallion-client.global.js" } = options;
  return function clientScriptHandler(req, res, next) {
    const pathname = (req.url ?? "/").split("?")[0];
    const format = pathname === path ? "esm" : pathname === globalPath ? "iife" : undefined;
    if (format === undefined) {
      next?.();
      return false;
    }
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { Allow: "GET, HEAD" }).end();
      return true;
    }
    built(format).then(
      ({ text, gzip, etag }) => {
        const headers: Record<string, string | number> = {
          "Content-Type": "text/javascript; charset=utf-8",
          "Cache-Control": "no-cache",
          ETag: etag,
          Vary: "Accept-Encoding",
        };
        if (req.headers["if-none-match"] === etag) return void res.writeHead(304, headers).end();
        const zipped = /\bgzip\b/.test(String(req.headers["accept-encoding"] ?? ""));
        const body = zipped ? gzip : Buffer.from(text);
        if (zipped) headers["Content-Encoding"] = "gzip";
        headers["Content-Length"] = body.length;
        res.writeHead(200, headers).end(req.method === "HEAD" ? undefined : body);
      },
      (error: unknown) => {
        res.writeHead(500, { "Content-Type": "text/plain; charset=utf-8" }).end(`cannot build the Scallion client: ${String(error)}\n`);
      },
    );
    return true;
  };
}

let shared: ClientScriptHandler | undefined;

/** {@link clientScriptHandler} with the default paths: `if (serveClientScript(req, res)) return;`. */
export function serveClientScript(req: IncomingMessage, res: ServerResponse, next?: () => void): boolean {
  return (shared ??= clientScriptHandler())(req, res, next);
}
