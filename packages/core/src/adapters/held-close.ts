import { WebSocket } from "ws";

/**
 * The `ws` WebSocket the transport creates. On a frame that breaks the protocol, `ws` stops
 * reading and calls `close(code)` itself, before the handler has answered the messages that came
 * before the bad frame. This class holds that close: the runtime, told of the error, closes with
 * the same code once the handler has answered them ({@link closeNow}), so nothing it had received
 * goes unanswered and nothing after the bad frame is read. The answer to a client's own close
 * frame is not held.
 */
export class HeldCloseWebSocket extends WebSocket {
  override close(code?: number, data?: string | Buffer): void {
    if (this.readyState === WebSocket.OPEN && !(this as unknown as Internals)._closeFrameReceived) return;
    super.close(code, data);
  }
}

/** What `ws` records of the peer's close frame (not in its types). */
interface Internals {
  readonly _closeFrameReceived: boolean;
}

/** Starts the closing handshake, which {@link HeldCloseWebSocket} never holds. */
export function closeNow(ws: WebSocket, code: number, reason: string): void {
  WebSocket.prototype.close.call(ws, code, reason);
}
