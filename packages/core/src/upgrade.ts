import type { IncomingMessage, Server as HttpServer } from "node:http";
import type { Server as NetServer } from "node:net";
import type { Duplex } from "node:stream";
import { WsTransport } from "./adapters/ws.js";
import { checkOptions, optionChecks } from "./option-check.js";
import type { Endpoint } from "./endpoint.js";
import { exposeEndpoint } from "./endpoint.js";
import type { Handler } from "./handler.js";
import type { CloseOptions, RuntimeOptions } from "./runtime.js";
import { Runtime, runtimeOptionChecks } from "./runtime.js";
import { SocketGuard } from "./socket-guard.js";

/** Options shared by {@link upgradeHandler}, {@link attach} and `serve()`. */
export interface UpgradeOptions extends RuntimeOptions {
  /** Largest message accepted, in bytes; a larger one closes that connection with 1009. Default 1 MiB. */
  maxPayload?: number;
  /**
   * Per-message compression (RFC 7692). Default false: zlib contexts cost memory per connection,
   * and a compressed message that would inflate past `maxPayload` is refused with 1009.
   */
  perMessageDeflate?: boolean;
  /**
   * Milliseconds from a TCP connection to its complete request head; a client trickling its
   * headers is answered 408 and dropped after this, whoever created the HTTP server. Default 10 s.
   */
  headersTimeout?: number;
}

/** The default `headersTimeout`. */
export const HEADERS_TIMEOUT = 10_000;

export const upgradeOptionChecks = {
  ...runtimeOptionChecks,
  maxPayload: optionChecks.positiveInteger,
  perMessageDeflate: optionChecks.boolean,
  headersTimeout: optionChecks.duration,
};

/** A Node `'upgrade'` listener that serves an app, with the endpoint's count and shutdown. */
export interface UpgradeHandler extends Endpoint {
  (req: IncomingMessage, socket: Duplex, head: Buffer): void;
}

/**
 * Builds the runtime, transport and socket guard for `options`, already checked by the caller.
 * The guard watches `server` at once, or else the server of the first upgrade handled.
 */
export function createUpgradeHandler(
  app: Handler,
  options: UpgradeOptions,
  where: string,
  server?: NetServer,
): UpgradeHandler {
  const { maxPayload = 1024 * 1024, perMessageDeflate = false, headersTimeout = HEADERS_TIMEOUT, ...rest } = options;
  const runtime = new Runtime(app, { ...rest, maxQueueBytes: rest.maxQueueBytes ?? 2 * maxPayload }, where);
  const transport = new WsTransport({ maxPayload, perMessageDeflate });
  const guard = new SocketGuard({
    headersTimeout,
    // Behind a proxy every socket comes from the proxy: the runtime counts forwarded addresses.
    maxPerAddress: runtime.options.trustProxy === false || runtime.options.trustProxy === 0
      ? runtime.options.maxConnectionsPerAddress
      : null,
    counters: runtime.counters,
  });
  if (server !== undefined) guard.watch(server);
  let watching = server !== undefined;
  const handle = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    if (!watching) {
      watching = true;
      const accepted = (req.socket as { server?: NetServer }).server;
      if (accepted !== undefined) guard.watch(accepted);
    }
    const pending = transport.upgrade(req, socket, head);
    if (pending !== undefined) runtime.handle(pending);
  };
  return exposeEndpoint(handle, runtime, async (closeOptions?: CloseOptions) => {
    await runtime.close(closeOptions);
    guard.unwatch();
  });
}

/**
 * An `(req, socket, head)` listener for the `'upgrade'` event of any Node HTTP server, so
 * Express, Fastify or Koa keep serving HTTP on the same port. It guards the connections of the
 * server whose upgrade it handles first, from then on; `attach()` guards them from the start.
 *
 * @example
 * const ws = upgradeHandler(app);
 * fastify.server.on("upgrade", ws);
 * // on shutdown: await ws.close();
 */
export function upgradeHandler(app: Handler, options: UpgradeOptions = {}): UpgradeHandler {
  checkOptions("upgradeHandler()", options, upgradeOptionChecks);
  return createUpgradeHandler(app, options, "upgradeHandler()");
}

/** The most header bytes `attach()` lets a server hold for one request: Node's default is 16 KiB. */
const MAX_SERVER_HEADER_SIZE = 64 * 1024;

/**
 * Serves `app` on upgrade requests of an existing HTTP server; plain requests stay with it. The
 * server's connections are guarded from now on (see `headersTimeout`, `maxConnectionsPerAddress`),
 * and a server made with a `maxHeaderSize` over 64 KiB is refused. `close()` shuts the WebSocket
 * side down gracefully and detaches from the server.
 *
 * @example
 * const http = createServer(expressApp);
 * const ws = attach(app, http);
 * http.listen(8080);
 */
export function attach(app: Handler, server: HttpServer, options: UpgradeOptions = {}): Endpoint {
  if (typeof server?.on !== "function" || typeof server.listen !== "function") {
    throw new TypeError("attach(): server must be a node:http or node:https server, e.g. createServer(app)");
  }
  checkOptions("attach()", options, upgradeOptionChecks);
  const { maxHeaderSize } = server as { maxHeaderSize?: number };
  if (maxHeaderSize !== undefined && maxHeaderSize > MAX_SERVER_HEADER_SIZE) {
    throw new RangeError(
      `attach(): the server's maxHeaderSize (${maxHeaderSize}) lets one request hold that many bytes of ` +
        `headers per socket; create it with at most ${MAX_SERVER_HEADER_SIZE} (Node's default is 16384)`,
    );
  }
  const handler = createUpgradeHandler(app, options, "attach()", server);
  server.on("upgrade", handler);
  return exposeEndpoint({}, handler, async (closeOptions?: CloseOptions) => {
    // Stay attached while closing, so upgrades that arrive meanwhile get 503 rather than a hang.
    await handler.close(closeOptions);
    server.off("upgrade", handler);
  });
}
