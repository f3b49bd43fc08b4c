import type { Message } from "./events.js";
import type { CloseOptions } from "./runtime.js";
import type { ServerStats } from "./stats.js";
import type { PublishOutcome } from "./topics.js";

/** WebSocket connections served beside an HTTP app; what `attach()` returns. */
export interface Endpoint {
  /** Open connections. */
  readonly connections: number;
  /** Connections, queues, buffers and counters; see {@link ServerStats}. */
  stats(): ServerStats;
  /**
   * Publishes to every subscriber of `topic` on every node (from an HTTP route, a timer …):
   * `"published"`, or `"local"` when it reached this node's subscribers only.
   */
  publish(topic: string, data: Message): Promise<PublishOutcome>;
  /** Sends to every connection on `path`, on every node, except the connection ids in `exclude`. */
  broadcast(path: string, data: Message, options?: { exclude?: string | readonly string[] }): Promise<PublishOutcome>;
  /** Connections subscribed to `topic`, across every node sharing the pub/sub engine. */
  count(topic: string): Promise<number>;
  /** Graceful shutdown of the WebSocket connections (see `CloseOptions`); the HTTP server is yours. */
  close(options?: CloseOptions): Promise<void>;
}

/**
 * Gives `target` the {@link Endpoint} methods of `source` (a runtime, or another endpoint), with
 * `close` as its own: how `upgradeHandler()`, `attach()` and `serve()` each expose one runtime.
 */
export function exposeEndpoint<T extends object>(
  target: T,
  source: Omit<Endpoint, "close">,
  close: (options?: CloseOptions) => Promise<void>,
): T & Endpoint {
  return Object.defineProperties(target, {
    connections: { get: () => source.connections, enumerable: true },
    stats: { value: () => source.stats(), enumerable: true },
    publish: { value: (topic: string, data: Message) => source.publish(topic, data), enumerable: true },
    broadcast: {
      value: (path: string, data: Message, options?: { exclude?: string | readonly string[] }) =>
        source.broadcast(path, data, options),
      enumerable: true,
    },
    count: { value: (topic: string) => source.count(topic), enumerable: true },
    close: { value: close, enumerable: true },
  }) as T & Endpoint;
}
