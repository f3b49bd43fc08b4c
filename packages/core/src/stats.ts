import type { CloseCause } from "./lifecycle.js";

/** A snapshot of a server's state and counters since it started; see `server.stats()`. */
export interface ServerStats {
  /** Open connections. */
  readonly connections: number;
  /** Upgrade requests whose handshake is not decided yet. */
  readonly handshakes: number;
  /**
   * Client addresses holding connections (0 with `maxConnectionsPerAddress: null`); those
   * refused for holding too many are counted in `rejected[429]`.
   */
  readonly addresses: number;
  /** Messages received and waiting in receivers' queues. */
  readonly queuedMessages: number;
  /** What those messages weigh, in bytes; see `maxQueueBytes`. */
  readonly queuedBytes: number;
  /** Bytes handed to sockets and not yet written to the network. */
  readonly bufferedBytes: number;
  readonly messagesIn: number;
  readonly messagesOut: number;
  /** Bytes received and sent on the wire by WebSocket connections, frame headers included. */
  readonly bytesIn: number;
  readonly bytesOut: number;
  /** Messages a push-only handler never read, dropped instead of queued. */
  readonly messagesDiscarded: number;
  /** Published messages not delivered to a subscriber over its buffer limit (`slowSubscriber: "skip"`). */
  readonly messagesSkipped: number;
  /** Topic subscriptions of local connections. */
  readonly subscriptions: number;
  /**
   * Publishes that reached this node's subscribers only: the pub/sub engine could not carry them
   * to the other nodes (their publishers were told `"local"`).
   */
  readonly messagesLocalOnly: number;
  /**
   * Calls to the pub/sub engine (subscribe, unsubscribe, publish, presence report, count) that
   * failed or got no answer in time; the runtime went on without them.
   */
  readonly engineFailures: number;
  /** Ended connections by cause. */
  readonly closes: Readonly<Record<CloseCause, number>>;
  /** Refused handshakes by HTTP status. */
  readonly rejected: Readonly<Record<number, number>>;
  /**
   * Connections closed for what the client sent, by close code: protocol errors (1002, 1007,
   * 1009 …) and the `CloseError`s of middleware and handlers (1007 bad JSON, 1008 a schema
   * violation or a rate limit …). Logged at debug level at most.
   */
  readonly clientFaults: Readonly<Record<number, number>>;
}

/** The counters a runtime keeps as connections come and go. */
export class Counters {
  messagesIn = 0;
  messagesOut = 0;
  /** Wire bytes of connections that have ended; open ones are added when stats are taken. */
  bytesIn = 0;
  bytesOut = 0;
  messagesDiscarded = 0;
  messagesSkipped = 0;
  messagesLocalOnly = 0;
  engineFailures = 0;
  readonly closes: Record<CloseCause, number> = {
    client: 0,
    server: 0,
    heartbeat: 0,
    error: 0,
    shutdown: 0,
    backpressure: 0,
  };
  readonly rejected: Record<number, number> = {};
  readonly clientFaults: Record<number, number> = {};

  rejectedWith(status: number): void {
    this.rejected[status] = (this.rejected[status] ?? 0) + 1;
  }

  clientFault(code: number): void {
    this.clientFaults[code] = (this.clientFaults[code] ?? 0) + 1;
  }
}
