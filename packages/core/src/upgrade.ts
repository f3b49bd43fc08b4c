import type { IncomingMessage, Server as HttpServer } from "node:http";
import type { Duplex } from "node:stream";
import { WsTransport } from "./adapters/ws.js";
import { checkOptions, optionChecks } from "./option-check.js";
import type { Endpoint } from "./endpoint.js";
import { exposeEndpoint } from "./endpoint.js";
import type { Handler } from "./handler.js";
import type { CloseOptions, RuntimeOptions } from "./runtime.js";
import { Runtime, runtimeOptionChecks } from "./runtime.js";

/** Options shared by {@link upgradeHandler}, {@link attach} and `serve()`. */
export interface UpgradeOptions extends RuntimeOptions {
  /** Largest message accepted, in bytes; a larger one closes that connection with 1009. Default 1 MiB. */
  maxPayload?: number;
  /**
   * Per-message compression (RFC 7692). Default false: zlib contexts cost memory per connection,
   * and a compressed message that would inflate past `maxPayload` is refused with 1009.
   */
  perMessageDeflate?: boolean;
}

export const upgradeOptionChecks = {
  ...runtimeOptionChecks,
  maxPayload: optionChecks.positiveInteger,
  perMessageDeflate: optionChecks.boolean,
};

/** A Node `'upgrade'` listener that serves an app, with the endpoint's count and shutdown. */
export interface UpgradeHandler extends Endpoint {
  (req: IncomingMessage, socket: Duplex, head: Buffer): void;
}

/** Builds the runtime and transport for `options`, already checked by the caller. */
export function createUpgradeHandler(app: Handler, options: UpgradeOptions, where: string): UpgradeHandler {
  const { maxPayload = 1024 * 1024, perMessageDeflate = false, ...rest } = options;
  const runtime = new Runtime(app, { ...rest, maxQueueBytes: rest.maxQueueBytes ?? 2 * maxPayload }, where);
  const transport = new WsTransport({ maxPayload, perMessageDeflate });
  const handle = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const pending = transport.upgrade(req, socket, head);
    if (pending !== undefined) runtime.handle(pending);
  };
  return exposeEndpoint(handle, runtime, (closeOptions?: CloseOptions) => runtime.close(closeOptions));
}

/**
 * An `(req, socket, head)` listener for the `'upgrade'` event of any Node HTTP server, so
 * Express, Fastify or Koa keep serving HTTP on the same port.
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

/**
 * Serves `app` on upgrade requests of an existing HTTP server; plain requests stay with it.
 * `close()` shuts the WebSocket side down gracefully and detaches from the server.
 *
 * @example
 * const http = createServer(expressApp);
 * const ws = attach(app, http);
 * http.listen(8080);
 */
export function attach(app: Handler, server: HttpServer, options: UpgradeOptions = {}): Endpoint {
  checkOptions("attach()", options, upgradeOptionChecks);
  const handler = createUpgradeHandler(app, options, "attach()");
  server.on("upgrade", handler);
  return exposeEndpoint({}, handler, async (closeOptions?: CloseOptions) => {
    // Stay attached while closing, so upgrades that arrive meanwhile get 503 rather than a hang.
    await handler.close(closeOptions);
    server.off("upgrade", handler);
  });
}
