import type { Duplex, Writable } from "node:stream";
import { WebSocket } from "ws";
import type { SocketEvents } from "../transport.js";

/** `ws` reports protocol violations by error code; these are the close codes it sends for them. */
const CLOSE_CODE_OF: Readonly<Record<string, number>> = {
  WS_ERR_INVALID_UTF8: 1007,
  WS_ERR_UNSUPPORTED_MESSAGE_LENGTH: 1009,
  WS_ERR_UNSUPPORTED_DATA_PAYLOAD_LENGTH: 1009,
  WS_ERR_TOO_MANY_BUFFERED_PARTS: 1008,
};

/**
 * The `ws` WebSocket the transport creates (through `ws`'s `WebSocket` option). Nothing but the
 * adapter holds these sockets, so nobody else listens to them, and two things differ from `ws`:
 *
 * - Its events go straight to the runtime's {@link SocketEvents}: `emit` is the one dispatcher,
 *   so no listener is added per connection (four listeners cost every connection its own event
 *   table, about a hundred bytes, and the work of adding them). Events the runtime has no use for
 *   (`ping`: `ws` answers it) are dropped.
 * - On a frame that breaks the protocol, `ws` stops reading and calls `close(code)` itself, before
 *   the handler has answered the messages that came before the bad frame. That close is held: the
 *   runtime, told of the error, closes with the same code once the handler has answered them
 *   ({@link closeNow}), so nothing it had received goes unanswered and nothing after the bad frame
 *   is read. The answer to a client's own close frame is not held.
 */
export class WiredWebSocket extends WebSocket {
  events: SocketEvents | undefined;

  override emit(event: string | symbol, a?: unknown, b?: unknown): boolean {
    const events = this.events;
    if (events === undefined) return false;
    switch (event) {
      case "message":
        events.message(b === true ? (a as Buffer) : (a as Buffer).toString());
        return true;
      case "pong":
        events.pong();
        return true;
      case "error": {
        const error = a as Error & { code?: string };
        events.protocolError(error, CLOSE_CODE_OF[error.code ?? ""] ?? 1002);
        return true;
      }
      case "close":
        events.closed(a as number, (b as Buffer).toString());
        return true;
      default:
        return false;
    }
  }

  override close(code?: number, data?: string | Buffer): void {
    if (this.readyState === WebSocket.OPEN && !(this as unknown as Internals)._closeFrameReceived) return;
    super.close(code, data);
  }

  /**
   * Closing, `ws` ends its frame parser and the TCP socket more than once (the peer's close frame,
   * the socket's end and its close each end both). Node makes an error object, stack trace and
   * all, for every `end()` of a finished stream and then drops it: about 15% of the CPU of a
   * handshake and close. {@link endOnce} skips those calls.
   */
  setSocket(socket: Duplex, head: Buffer, options: object): void {
    (WebSocket.prototype as unknown as Internals).setSocket.call(this, socket, head, options);
    socket.end = endOnce;
    (this as unknown as Internals)._receiver.end = endOnce;
  }
}

/** What `ws` has but does not declare in its types. */
interface Internals {
  readonly _closeFrameReceived: boolean;
  readonly _receiver: Writable;
  setSocket(this: WebSocket, socket: Duplex, head: Buffer, options: object): void;
}

/**
 * `end()` without arguments on a stream already finished or destroyed does nothing but make an
 * error (and drop it); otherwise the stream's own `end`.
 */
function endOnce<S extends Writable>(this: S, ...args: unknown[]): S {
  if (args.length === 0 && (this.writableFinished || this.destroyed)) return this;
  return (Object.getPrototypeOf(this) as { end: (...args: unknown[]) => S }).end.apply(this, args);
}

/** Starts the closing handshake, which {@link WiredWebSocket} never holds. */
export function closeNow(ws: WebSocket, code: number, reason: string): void {
  WebSocket.prototype.close.call(ws, code, reason);
}
