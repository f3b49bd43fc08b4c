import type { AddressInfo } from "node:net";
import { createServer } from "node:http";
import { WsTransport } from "./adapters/ws.js";
import { checkOptions, optionChecks } from "./errors.js";
import type { Handler } from "./handler.js";
import type { CloseOptions, RuntimeOptions } from "./runtime.js";
import { Runtime, runtimeOptionChecks } from "./runtime.js";

/** Options of {@link serve}. */
export interface ServeOptions extends RuntimeOptions {
  /** TCP port; 0 picks a free one. Default 8080. */
  port?: number;
  /** Interface to listen on. Default "127.0.0.1": set "0.0.0.0" or "::" to be reachable from outside. */
  host?: string;
  /** Largest message accepted, in bytes; a larger one closes that connection with 1009. Default 1 MiB. */
  maxPayload?: number;
  /** Per-message compression (RFC 7692). Default false. */
  perMessageDeflate?: boolean;
}

/** A running server. */
export interface Server extends AsyncDisposable {
  /** Where it listens. */
  readonly address: { readonly host: string; readonly port: number };
  /** `ws://host:port`, handy for clients and tests. */
  readonly url: string;
  /** Open connections. */
  readonly connections: number;
  /** Graceful shutdown; see {@link CloseOptions}. Resolves when every connection is gone. */
  close(options?: CloseOptions): Promise<void>;
}

const serveOptionChecks = {
  ...runtimeOptionChecks,
  port: optionChecks.port,
  host: optionChecks.string,
  maxPayload: optionChecks.positiveInteger,
  perMessageDeflate: optionChecks.boolean,
};

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
  const { port = 8080, host = "127.0.0.1", maxPayload = 1024 * 1024, perMessageDeflate = false, ...rest } = options;
  const runtime = new Runtime(app, rest, "serve()");
  const transport = new WsTransport({ maxPayload, perMessageDeflate });
  const http = createServer((_req, res) => {
    res.writeHead(426, { "Content-Type": "text/plain; charset=utf-8", Upgrade: "websocket", Connection: "Upgrade" });
    res.end("This endpoint speaks WebSocket only.\n");
  });
  http.on("upgrade", (req, socket, head: Buffer) => {
    const pending = transport.upgrade(req, socket, head);
    if (pending !== undefined) runtime.handle(pending);
  });
  await new Promise<void>((resolve, reject) => {
    http.once("error", reject);
    http.listen(port, host, () => {
      http.off("error", reject);
      resolve();
    });
  });
  const address = http.address() as AddressInfo;
  const close = async (closeOptions?: CloseOptions): Promise<void> => {
    const closed = new Promise<void>((resolve) => http.close(() => resolve()));
    await runtime.close(closeOptions);
    http.closeAllConnections();
    await closed;
  };
  const urlHost = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return {
    address: { host: address.address, port: address.port },
    url: `ws://${urlHost}:${address.port}`,
    get connections() {
      return runtime.connections;
    },
    close,
    [Symbol.asyncDispose]: () => close(),
  };
}
