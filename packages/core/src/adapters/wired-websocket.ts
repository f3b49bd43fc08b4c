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
}

/** What `ws` records of the peer's close frame (not in its types). */
interface Internals {
  readonly _closeFrameReceived: boolean;
}

/** Starts the closing handshake, which {@link WiredWebSocket} never holds. */
export function closeNow(ws: WebSocket, code: number, reason: string): void {
  WebSocket.prototype.close.call(ws, code, reason);
}
