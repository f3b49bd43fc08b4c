import type { Message } from "./events.js";
import type { RequestInfo } from "./scope.js";
import type { Encoded } from "./frame.js";

/**
 * The contract between the runtime and a way of carrying WebSockets: the `ws` adapter is one
 * implementation, the in-memory test transport another. A transport hands the runtime one
 * {@link PendingUpgrade} per upgrade request and nothing is upgraded until the runtime decides.
 */
export interface PendingUpgrade {
  readonly request: RequestInfo;
  /** Completes the handshake (101); returns undefined when the client has already gone. */
  accept(options: AcceptOptions, events: SocketEvents): TransportSocket | undefined;
  /** Answers with an HTTP response instead of upgrading, then closes. */
  reject(status: number, body: string, headers: Readonly<Record<string, string>>): void;
  /**
   * Called at most once if the client goes away before the handshake is decided. The runtime
   * asks only when the handler has not decided at once (in the same tick as the transport handed
   * the request over, before any socket event can arrive), so a transport may start watching its
   * socket here rather than for every request.
   */
  onAbort(listener: () => void): void;
}

export interface AcceptOptions {
  /** One of the subprotocols the client offered. */
  readonly subprotocol?: string | undefined;
  /** Extra response headers for the 101. */
  readonly headers?: Readonly<Record<string, string>> | undefined;
}

/** What an open socket reports to the runtime. */
export interface SocketEvents {
  message(data: Message): void;
  pong(): void;
  /**
   * The client broke the protocol: the transport has stopped reading, and sends the close frame
   * with `code` (1002, 1007, 1009 …) when the runtime calls `close(code)`, which it does once the
   * handler has answered the messages received before.
   */
  protocolError(error: Error, code: number): void;
  /** The connection is gone: `code`/`reason` from the peer's close frame, 1005 without a code, 1006 on a drop. */
  closed(code: number, reason: string): void;
}

/** An open WebSocket as the runtime drives it. */
export interface TransportSocket {
  /** Sends one message; `done` runs once the transport has written it out, with an error if it could not. */
  send(data: Message, done?: (error?: Error | null) => void): void;
  /**
   * Sends a message encoded once for many sockets (fan-out). Transports that cannot share the
   * bytes may leave it out; the runtime then calls `send(message.data)`.
   */
  sendEncoded?(message: Encoded): void;
  /** Bytes accepted by `send` and not yet written to the network. */
  readonly bufferedAmount: number;
  /** Bytes received and sent on the wire, frames included, where the transport can tell. */
  readonly bytesRead?: number;
  readonly bytesWritten?: number;
  /** Starts the closing handshake. */
  close(code: number, reason: string): void;
  /** Drops the connection at once, without a closing handshake. */
  terminate(): void;
  /** Stops reading from the client (TCP backpressure). */
  pause(): void;
  resume(): void;
  ping(): void;
}
