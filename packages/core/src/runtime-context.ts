import type { Connection } from "./connection.js";
import type { Logger } from "./logger.js";

/** Options the runtime applies to every connection, after defaults. */
export interface ResolvedRuntimeOptions {
  readonly maxQueue: number;
  readonly highWaterMark: number;
  readonly pingInterval: number | null;
  readonly pingTimeout: number | null;
  readonly handshakeTimeout: number;
  readonly closeTimeout: number;
}

/** What a connection needs from the runtime that owns it. */
export interface RuntimeContext {
  readonly options: ResolvedRuntimeOptions;
  readonly logger: Logger;
  opened(connection: Connection): void;
  ended(connection: Connection, wasOpen: boolean): void;
}
