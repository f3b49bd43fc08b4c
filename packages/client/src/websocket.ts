/** A message as received without a schema: text frames as `string`, binary frames as bytes. */
export type Message = string | Uint8Array;

/** What a raw `send` takes: text, or bytes in any binary view. */
export type Sendable = string | ArrayBuffer | ArrayBufferView;

/**
 * The part of the WHATWG `WebSocket` the client uses. The browser's, Node 22's and the `ws`
 * package's all fit it.
 */
export interface WebSocketLike {
  readonly readyState: number;
  binaryType: string;
  send(data: string | ArrayBuffer | ArrayBufferView): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
}

/** A `WebSocket` class: `globalThis.WebSocket`, `ws`'s, or a test double. */
export type WebSocketConstructor = new (
  url: string,
  protocols?: string | string[],
  // Only `ws` reads a third argument (request headers); the platform class ignores it.
  options?: { headers?: Record<string, string> },
) => WebSocketLike;

/** Finds the `WebSocket` class to use when the options name none; see the Node entry. */
export type WebSocketProvider = (options: {
  headers?: Record<string, string> | undefined;
}) => WebSocketConstructor | Promise<WebSocketConstructor>;

/** The platform's `WebSocket` class, if it has one (browsers, Deno, Bun, Node 22+). */
export function platformWebSocket(): WebSocketConstructor | undefined {
  return (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
}
