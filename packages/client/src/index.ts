import { Client } from "./client.js";
import type { ClientOptions } from "./options.js";
import type { Incoming, Outgoing, Schema } from "./schema.js";
import { platformWebSocket } from "./websocket.js";

export { backoffDelay, DEFAULT_BACKOFF } from "./backoff.js";
export type { BackoffOptions } from "./backoff.js";
export { Client } from "./client.js";
export type { ClientEvents, ClientState, CloseInfo, GapInfo, ResumeInfo, SendOutcome, StateChange } from "./client.js";
export { ClientError, isClientError } from "./errors.js";
export type { ClientErrorCode } from "./errors.js";
export { DEFAULT_STOP_CODES } from "./options.js";
export type { ClientOptions, PingOptions, ReconnectOptions } from "./options.js";
export { json } from "./schema.js";
export type { Incoming, Infer, Outgoing, SafeParseResult, Schema } from "./schema.js";
export type { Position } from "@scallion/core/since";
export { resolveUrl } from "./url.js";
export type { LocationLike, UrlOptions } from "./url.js";
export type { Message, Sendable, WebSocketConstructor, WebSocketLike, WebSocketProvider } from "./websocket.js";

/**
 * Opens a client that reconnects by itself: `target` is a `ws:`/`wss:` URL, or a path resolved
 * against the page (and `options.base`). It starts connecting at once.
 *
 * @example
 * const client = createClient("/chat/lobby", { incoming: ServerMessage, outgoing: ClientMessage });
 * client.on("state", ({ state }) => (status.textContent = state));
 * client.send({ type: "message", text: "hello" }); // queued until open, then sent once
 * for await (const message of client) console.log(message);
 */
export function createClient<I extends Schema | undefined = undefined, O extends Schema | undefined = undefined>(
  target: string | URL,
  options: ClientOptions<I, O> = {},
): Client<Incoming<I>, Outgoing<O>> {
  const platform = platformWebSocket();
  return new Client(target, options, platform && (() => platform));
}

/** The same as {@link createClient}, under the name a page reads best: `const client = connect("/ws")`. */
export const connect = createClient;
