import type { TrustProxy } from "./client-address.js";
import type { Connection } from "./connection.js";
import type { Logger } from "./logger.js";
import type { Counters } from "./stats.js";
import type { Topics } from "./topics.js";

/** Options the runtime applies to every connection, after defaults. */
export interface ResolvedRuntimeOptions {
  readonly maxQueue: number;
  readonly highWaterMark: number;
  readonly pingInterval: number | null;
  readonly pingTimeout: number | null;
  readonly handshakeTimeout: number;
  readonly closeTimeout: number;
  readonly trustProxy: TrustProxy;
  readonly subscriberBufferLimit: number;
  readonly slowSubscriber: "close" | "skip";
}

/** What a connection needs from the runtime that owns it. */
export interface RuntimeContext {
  readonly options: ResolvedRuntimeOptions;
  readonly logger: Logger;
  readonly counters: Counters;
  readonly topics: Topics;
  opened(connection: Connection): void;
  ended(connection: Connection, wasOpen: boolean): void;
}
