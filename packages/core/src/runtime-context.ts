import type { TrustProxy } from "./client-address.js";
import type { Beating } from "./heartbeat.js";
import type { CloseCause } from "./lifecycle.js";
import type { RuntimeLogger } from "./logger.js";
import type { Counters } from "./stats.js";
import type { Topics } from "./topics.js";

/** Options the runtime applies to every connection, after defaults. */
export interface ResolvedRuntimeOptions {
  readonly maxQueue: number;
  readonly maxQueueBytes: number;
  readonly highWaterMark: number;
  readonly pingInterval: number | null;
  readonly pingTimeout: number | null;
  readonly handshakeTimeout: number;
  readonly closeTimeout: number;
  readonly trustProxy: TrustProxy;
  readonly maxConnectionsPerAddress: number | null;
  readonly subscriberBufferLimit: number;
  readonly slowSubscriber: "close" | "skip";
}

/** What the runtime needs of each of its connections: their state for stats, and shutdown. */
export interface Tracked extends Beating {
  readonly state: "handshake" | "open" | "closing" | "closed";
  /** Its scope: the client address it counts against. */
  readonly scope: { readonly address: string };
  /** Its receiver: messages, and their bytes, waiting to be read. */
  readonly receiver: { readonly queued: number; readonly queuedBytes: number };
  /** Bytes sent and not yet written to the network. */
  readonly bufferedAmount: number;
  /** Wire bytes read and written so far. */
  readonly bytes: { readonly in: number; readonly out: number };
  /**
   * Server shutdown: 503 before the handshake; else no more messages are taken, the handler reads
   * what is queued, and the close frame follows what it yields for them.
   */
  shutdown(code: number, reason: string): void;
  /** The shutdown's close frame goes now, whatever is still queued. */
  drained(): void;
  drop(cause: CloseCause): void;
}

/** What a connection needs from the runtime that owns it. */
export interface RuntimeContext {
  readonly options: ResolvedRuntimeOptions;
  readonly logger: RuntimeLogger;
  readonly counters: Counters;
  readonly topics: Topics;
  opened(connection: Tracked): void;
  ended(connection: Tracked, wasOpen: boolean): void;
}
