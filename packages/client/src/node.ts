// The entry Node resolves (the "node" export condition): the same API as index.ts, except that
// `ws` (an optional peer dependency) is loaded when installed: it sends request headers, and it
// shows a refused handshake's HTTP status, so a 401, 403 or 404 stops the client at once. Without
// it, Node 22's own WebSocket is used. Browser builds start from index.ts and never see this file.
import { Client } from "./client.js";
import type { ClientOptions } from "./options.js";
import type { Incoming, Outgoing, Schema } from "./schema.js";
import type { WebSocketConstructor, WebSocketProvider } from "./websocket.js";
import { platformWebSocket } from "./websocket.js";

export {
  backoffDelay,
  Client,
  ClientError,
  DEFAULT_BACKOFF,
  DEFAULT_STOP_CODES,
  isClientError,
  json,
  resolveUrl,
} from "./index.js";
export type {
  BackoffOptions,
  ClientErrorCode,
  ClientEvents,
  ClientOptions,
  ClientState,
  CloseInfo,
  GapInfo,
  Incoming,
  Infer,
  LocationLike,
  Message,
  Outgoing,
  PingOptions,
  Position,
  ReconnectOptions,
  ResumeInfo,
  SafeParseResult,
  Schema,
  Sendable,
  SendOutcome,
  StateChange,
  UrlOptions,
  WebSocketConstructor,
  WebSocketLike,
  WebSocketProvider,
} from "./index.js";

let ws: Promise<WebSocketConstructor | undefined> | undefined;

const loadWs = (): Promise<WebSocketConstructor | undefined> =>
  import("ws").then(
    (module) => module.WebSocket as unknown as WebSocketConstructor,
    (error: { code?: string }) => {
      if (error.code === "ERR_MODULE_NOT_FOUND") return undefined;
      throw error;
    },
  );

const nodeWebSocket: WebSocketProvider = async ({ headers }) => {
  const chosen = (await (ws ??= loadWs())) ?? (headers === undefined ? platformWebSocket() : undefined);
  if (chosen !== undefined) return chosen;
  throw new Error(headers === undefined ? "no WebSocket here: npm install ws (or use Node 22 or later)" : "request headers need ws: npm install ws");
};

/**
 * Opens a client that reconnects by itself; in Node a path needs an absolute `options.base`.
 *
 * @example
 * const client = createClient("ws://127.0.0.1:8080/chat/lobby", { headers: { authorization: `Bearer ${token}` } });
 * for await (const message of client) console.log(message);
 */
export function createClient<I extends Schema | undefined = undefined, O extends Schema | undefined = undefined>(
  target: string | URL,
  options: ClientOptions<I, O> = {},
): Client<Incoming<I>, Outgoing<O>> {
  return new Client(target, options, nodeWebSocket);
}

/** The same as {@link createClient}. */
export const connect = createClient;
