import type { CloseOptions, Handler, Message, PublishOutcome, Server, ServerStats, UpgradeOptions } from "@scallion/core";
import { serve } from "@scallion/core";
import { Runtime } from "@scallion/core/transport";
import type { TestClient, TransportName } from "./client.js";
import type { ClientOptions } from "./_client-options.js";
import { checkPath } from "./_client-options.js";
import { connectMemory } from "./_memory-client.js";
import { Tracker } from "./_tracker.js";
import { connectWs } from "./_ws-client.js";

/** Options of {@link testServer}: the server's options (as for `serve()`) and the transport. */
export interface TestServerOptions extends UpgradeOptions {
  /** "memory" (default): no sockets, no ports. "ws": `serve()` on 127.0.0.1 and an ephemeral port. */
  transport?: TransportName;
  /** Default `timeout` of its clients' `connect()` and `receive()`, in ms. Default 2000. */
  timeout?: number;
}

/** Several test clients sharing one runtime. */
export interface TestServer extends AsyncDisposable {
  readonly transport: TransportName;
  /** Opens a client on `path` (with query string, if any). */
  connect(path: string, options?: ClientOptions): Promise<TestClient>;
  /** Open connections, as `server.connections` counts them. */
  readonly connections: number;
  /** The runtime's counters; see core's `ServerStats`. */
  stats(): ServerStats;
  /** Publishes to every subscriber of `topic`, as `server.publish` does (through `options.pubsub` if given). */
  publish(topic: string, data: Message): Promise<PublishOutcome>;
  /** Sends to every connection on `path`, except the connection ids in `exclude`. */
  broadcast(path: string, data: Message, options?: { exclude?: string | readonly string[] }): Promise<PublishOutcome>;
  /** Connections subscribed to `topic`, across every server sharing the pub/sub engine. */
  count(topic: string): Promise<number>;
  /** Resolves once every connection has ended and all its hooks have run. */
  idle(): Promise<void>;
  /**
   * Graceful shutdown through the runtime (1001 to every client by default, sends flushed, hooks
   * run), then waits for every client to see its close.
   */
  close(options?: CloseOptions): Promise<void>;
}

/** A server, its transport hidden: the memory runtime or a real `serve()`. */
interface Backend {
  connect(
    path: string,
    options: ClientOptions & { timeout: number },
    settle: (response: Readonly<Record<string, string>>) => Promise<void>,
  ): Promise<TestClient>;
  readonly connections: number;
  stats(): ServerStats;
  topics(): Promise<Pick<TestServer, "publish" | "broadcast" | "count">>;
  close(options?: CloseOptions): Promise<void>;
}

const LOOPBACK = "127.0.0.1";

/**
 * Serves `app` for a test, over memory (default) or a real socket, and opens clients to it.
 * The logger is off unless `options.logger` is given.
 *
 * @example
 * await using server = testServer(app);
 * const alice = await server.connect("/chat/general");
 * const bob = await server.connect("/chat/general");
 */
export function testServer(app: Handler, options: TestServerOptions = {}): TestServer {
  const { transport = "memory", timeout = 2000, ...serverOptions } = options;
  if (transport !== "memory" && transport !== "ws") {
    throw new TypeError(`testServer(): transport must be "memory" or "ws", got ${JSON.stringify(transport)}`);
  }
  if (!Number.isFinite(timeout) || timeout <= 0) throw new TypeError("testServer(): timeout must be a positive number of ms");
  const tracker = new Tracker();
  const tracked = tracker.wrap(app);
  const backend = transport === "ws" ? wsBackend(tracked, serverOptions) : memoryBackend(tracked, serverOptions);
  const clients = new Set<TestClient>();
  let closing: Promise<void> | undefined;
  const close = (closeOptions?: CloseOptions): Promise<void> =>
    (closing ??= (async () => {
      await backend.close(closeOptions);
      await Promise.all([...clients].map((client) => client.closed));
      await tracker.idle();
    })());
  return {
    transport,
    async connect(path, clientOptions = {}) {
      checkPath(path);
      const client = await backend.connect(path, { timeout, ...clientOptions }, (response) =>
        tracker.ended(response["sec-websocket-accept"]),
      );
      clients.add(client);
      void client.closed.then(() => clients.delete(client));
      return client;
    },
    get connections() {
      return backend.connections;
    },
    stats: () => backend.stats(),
    publish: async (topic, data) => (await backend.topics()).publish(topic, data),
    broadcast: async (path, data, broadcastOptions) => (await backend.topics()).broadcast(path, data, broadcastOptions),
    count: async (topic) => (await backend.topics()).count(topic),
    idle: () => tracker.idle(),
    close,
    [Symbol.asyncDispose]: () => close(),
  };
}

function memoryBackend(app: Handler, options: UpgradeOptions): Backend {
  const { maxPayload, perMessageDeflate: _compression, ...runtimeOptions } = options;
  if (maxPayload !== undefined && !(Number.isSafeInteger(maxPayload) && maxPayload > 0)) {
    throw new TypeError("testServer(): maxPayload must be a positive integer");
  }
  const runtime = new Runtime(app, { logger: false, ...runtimeOptions }, "testServer()");
  return {
    connect: (path, clientOptions, settle) => connectMemory(runtime, path, { ...clientOptions, maxPayload }, settle),
    get connections() {
      return runtime.connections;
    },
    stats: () => runtime.stats(),
    topics: () => Promise.resolve(runtime),
    close: (closeOptions) => runtime.close(closeOptions),
  };
}

function wsBackend(app: Handler, options: UpgradeOptions): Backend {
  // serve() is asynchronous; connect() and close() wait for it, so testServer() need not be.
  const ready: Promise<Server> = serve(app, { port: 0, host: LOOPBACK, logger: false, ...options });
  let server: Server | undefined;
  ready.then((s) => (server = s), () => {});
  return {
    connect: async (path, clientOptions, settle) => connectWs(`${(await ready).url}${path}`, clientOptions, settle),
    get connections() {
      return server?.connections ?? 0;
    },
    stats: () => {
      if (server === undefined) throw new Error("testServer(): the ws server is still starting; await connect() first");
      return server.stats();
    },
    topics: () => ready,
    close: async (closeOptions) => (await ready).close(closeOptions),
  };
}
