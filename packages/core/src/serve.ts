import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { checkOptions, optionChecks } from "./option-check.js";
import type { Handler } from "./handler.js";
import type { CloseOptions } from "./runtime.js";
import type { Endpoint } from "./endpoint.js";
import { exposeEndpoint } from "./endpoint.js";
import type { UpgradeOptions } from "./upgrade.js";
import { createUpgradeHandler, HEADERS_TIMEOUT, upgradeOptionChecks } from "./upgrade.js";

/** Options of {@link serve}. */
export interface ServeOptions extends UpgradeOptions {
  /** TCP port; 0 picks a free one. Default 8080. */
  port?: number;
  /** Interface to listen on. Default "127.0.0.1": set "0.0.0.0" or "::" to be reachable from outside. */
  host?: string;
  /** Listen on this Unix domain socket instead of TCP (`port` and `host` are then ignored). */
  socketPath?: string;
}

/** Where a server listens: a TCP host and port, or a Unix socket's path. */
export type ServerAddress =
  | { readonly host: string; readonly port: number; readonly path?: undefined }
  | { readonly path: string; readonly host?: undefined; readonly port?: undefined };

/** A running server. */
export interface Server extends Endpoint, AsyncDisposable {
  /** Where it listens: host and port, or the Unix socket's path. */
  readonly address: ServerAddress;
  /** The base URL for clients: `ws://host:port`, or `ws+unix:/path:` for a Unix socket. */
  readonly url: string;
  /** Graceful shutdown; see {@link CloseOptions}. Resolves when every connection is gone. */
  close(options?: CloseOptions): Promise<void>;
}

const serveOptionChecks = {
  ...upgradeOptionChecks,
  port: optionChecks.port,
  host: optionChecks.string,
  socketPath: optionChecks.string,
};

/** The most header bytes a client may make the HTTP server hold before the upgrade. */
const MAX_HEADER_BYTES = 16 * 1024;

/**
 * Serves `app` over WebSockets on its own HTTP server. Options are checked at once: a wrong type
 * or an out-of-range value throws an `OptionError` naming the option.
 *
 * @example
 * const server = await serve(websocket(async function* (scope, receiver) {
 *   for await (const message of receiver) yield send(message);
 * }), { port: 8080 });
 */
export async function serve(app: Handler, options: ServeOptions = {}): Promise<Server> {
  checkOptions("serve()", options, serveOptionChecks);
  const { port = 8080, host = "127.0.0.1", socketPath, ...rest } = options;
  const headersTimeout = rest.headersTimeout ?? HEADERS_TIMEOUT;
  const http = createServer(
    {
      // The socket guard bounds the first request head of a connection; these bound the ones a
      // kept-alive connection sends after it.
      headersTimeout,
      requestTimeout: Math.max(30_000, headersTimeout),
      maxHeaderSize: MAX_HEADER_BYTES,
      // Node checks the two timeouts above on this period; the default 30 s would let a
      // trickling client hold its socket far past headersTimeout.
      connectionsCheckingInterval: Math.min(1_000, headersTimeout / 2),
    },
    (_req, res) => {
      res.writeHead(426, { "Content-Type": "text/plain; charset=utf-8", Upgrade: "websocket", Connection: "Upgrade" });
      res.end("This endpoint speaks WebSocket only.\n");
    },
  );
  const upgrade = createUpgradeHandler(app, rest, "serve()", http);
  http.on("upgrade", upgrade);
  await new Promise<void>((resolve, reject) => {
    http.once("error", reject);
    const listening = (): void => {
      http.off("error", reject);
      resolve();
    };
    if (socketPath !== undefined) http.listen(socketPath, listening);
    else http.listen(port, host, listening);
  });
  const close = async (closeOptions?: CloseOptions): Promise<void> => {
    const closed = new Promise<void>((resolve) => http.close(() => resolve()));
    http.closeIdleConnections();
    await upgrade.close(closeOptions);
    http.closeAllConnections();
    await closed;
  };
  const bound = http.address() as AddressInfo | string;
  const where =
    typeof bound === "string"
      ? { address: { path: bound }, url: `ws+unix:${bound}:` }
      : {
          address: { host: bound.address, port: bound.port },
          url: `ws://${bound.family === "IPv6" ? `[${bound.address}]` : bound.address}:${bound.port}`,
        };
  return exposeEndpoint({ ...where, [Symbol.asyncDispose]: () => close() }, upgrade, close);
}
