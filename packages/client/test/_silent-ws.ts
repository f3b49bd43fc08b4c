import { WebSocket } from "ws";
import type { WebSocketLike } from "../src/websocket.js";

/**
 * `ws` as a browser shows it: error events that say nothing about why, so a handshake refused
 * with 401 cannot be told from a server that is down.
 */
export class SilentWebSocket implements WebSocketLike {
  readonly #socket: WebSocket;
  onopen: ((event: unknown) => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onclose: ((event: { code: number; reason: string }) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;

  constructor(url: string, protocols?: string | string[]) {
    const socket = (this.#socket = new WebSocket(url, protocols));
    socket.onopen = (event) => this.onopen?.(event);
    socket.onmessage = (event) => this.onmessage?.(event);
    socket.onclose = (event) => this.onclose?.(event);
    socket.onerror = () => this.onerror?.({ type: "error" });
  }

  get readyState(): number {
    return this.#socket.readyState;
  }

  get binaryType(): string {
    return this.#socket.binaryType;
  }

  set binaryType(type: string) {
    this.#socket.binaryType = type as WebSocket["binaryType"];
  }

  send(data: string | ArrayBuffer | ArrayBufferView): void {
    this.#socket.send(data);
  }

  close(code?: number, reason?: string): void {
    this.#socket.close(code, reason);
  }
}
