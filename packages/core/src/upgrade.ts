import type { IncomingMessage, Server as HttpServer } from "node:http";
import type { Duplex } from "node:stream";
import { WsTransport } from "./adapters/ws.js";
import { checkOptions, optionChecks } from "./option-check.js";
import type { Message } from "./events.js";
import type { Handler } from "./handler.js";
import type { ServerStats } from "./stats.js";
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

/** WebSocket connections served beside an HTTP app; what {@link attach} returns. */
export interface Endpoint {
  /** Open connections. */
  readonly connections: number;
  /** Connections, queues, buffers and counters; see {@link ServerStats}. */
  stats(): ServerStats;
  /** Publishes to every subscriber of `topic` on every node (from an HTTP route, a timer …). */
  publish(topic: string, data: Message): Promise<void>;
  /** Sends to every connection on `path`, on every node, except the connection ids in `exclude`. */
  broadcast(path: string, data: Message, options?: { exclude?: string | readonly string[] }): Promise<void>;
  /** Connections subscribed to `topic`, across every node sharing the pub/sub engine. */
  count(topic: string): Promise<number>;
  /** Graceful shutdown of the WebSocket connections (see `CloseOptions`); the HTTP server is yours. */
  close(options?: CloseOptions): Promise<void>;
}

/** A Node `'upgrade'` listener that serves an app, with the endpoint's count and shutdown. */
export interface UpgradeHandler extends Endpoint {
  (req: IncomingMessage, socket: Duplex, head: Buffer): void;
}

/** Builds the runtime and transport for `options`, already checked by the caller. */
export function createUpgradeHandler(app: Handler, options: UpgradeOptions, where: string): UpgradeHandler {
  const { maxPayload = 1024 * 1024, perMessageDeflate = false, ...rest } = options;
  const runtime = new Runtime(app, rest, where);
  const transport = new WsTransport({ maxPayload, perMessageDeflate });
  const handle = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const pending = transport.upgrade(req, socket, head);
    if (pending !== undefined) runtime.handle(pending);
  };
  return Object.defineProperties(handle, {
    connections: { get: () => runtime.connections, enumerable: true },
    stats: { value: () => runtime.stats(), enumerable: true },
    publish: { value: runtime.publish.bind(runtime), enumerable: true },
    broadcast: { value: runtime.broadcast.bind(runtime), enumerable: true },
    count: { value: runtime.count.bind(runtime), enumerable: true },
    close: { value: (closeOptions?: CloseOptions) => runtime.close(closeOptions), enumerable: true },
  }) as UpgradeHandler;
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
  return {
    get connections() {
      return handler.connections;
    },
    stats: () => handler.stats(),
    publish: (topic, data) => handler.publish(topic, data),
    broadcast: (path, data, broadcastOptions) => handler.broadcast(path, data, broadcastOptions),
    count: (topic) => handler.count(topic),
    async close(closeOptions) {
      // Stay attached while closing, so upgrades that arrive meanwhile get 503 rather than a hang.
      await handler.close(closeOptions);
      server.off("upgrade", handler);
    },
  };
}
