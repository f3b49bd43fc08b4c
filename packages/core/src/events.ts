import { STATUS_CODES } from "node:http";
import { assertCloseFrame } from "./close-codes.js";
import type { Position } from "./history.js";

/** A message from the client: text frames arrive as `string`, binary frames as bytes. */
export type Message = string | Uint8Array;

/** Accept the handshake (HTTP 101), optionally choosing one of the subprotocols the client offered. */
export interface AcceptEvent {
  readonly type: "websocket.accept";
  readonly subprotocol?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/** Refuse the handshake with a plain HTTP response; the connection is never upgraded. */
export interface RejectEvent {
  readonly type: "websocket.reject";
  readonly status: number;
  readonly body: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/** Send a text frame. */
export interface SendTextEvent {
  readonly type: "websocket.send";
  readonly text: string;
  readonly bytes?: undefined;
}

/** Send a binary frame. */
export interface SendBytesEvent {
  readonly type: "websocket.send";
  readonly bytes: Uint8Array;
  readonly text?: undefined;
}

export type SendEvent = SendTextEvent | SendBytesEvent;

/** Close the connection with a code and reason; before accept, the upgrade completes and closes at once. */
export interface CloseEvent {
  readonly type: "websocket.close";
  readonly code: number;
  readonly reason: string;
}

/** Join a topic: what is published to it goes straight to this connection's socket. */
export interface SubscribeEvent {
  readonly type: "websocket.subscribe";
  readonly topic: string;
  /** On a topic that keeps history: the last position the client saw, to resume after. */
  readonly since?: Position;
}

/** Leave a topic. */
export interface UnsubscribeEvent {
  readonly type: "websocket.unsubscribe";
  readonly topic: string;
}

/**
 * Publish to every subscriber of a topic: this node's at once, the other nodes' through the
 * pub/sub engine; `exceptSelf` skips this connection. Its outcome is `"published"` or `"local"`.
 */
export type PublishEvent = (
  | { readonly text: string; readonly bytes?: undefined }
  | { readonly bytes: Uint8Array; readonly text?: undefined }
) & {
  readonly type: "websocket.publish";
  readonly topic: string;
  readonly exceptSelf: boolean;
};

/** Everything a handler may yield. */
export type Event =
  | AcceptEvent
  | RejectEvent
  | SendEvent
  | CloseEvent
  | SubscribeEvent
  | UnsubscribeEvent
  | PublishEvent;

/**
 * What a `yield` evaluates to: `"accepted"` after an accept, `"sent"` once the socket has taken a
 * send below its high-water mark, `"subscribed"`/`"unsubscribed"` once this node's subscribers
 * are updated and the pub/sub engine has followed (or could not within its bound), `"published"`
 * once a publish reached this node's subscribers and the engine took it for the other nodes,
 * `"local"` when it reached this node's subscribers only (the engine is unreachable; counted in
 * `stats().messagesLocalOnly`), `"dropped"` when the connection had already ended. A subscribe
 * with `since` (a topic that keeps history) is `"recovered"` when what the client missed was
 * replayed, `"not recovered"` when history no longer covers it (the client was told so too).
 */
export type Outcome =
  | "accepted"
  | "sent"
  | "subscribed"
  | "recovered"
  | "not recovered"
  | "unsubscribed"
  | "published"
  | "local"
  | "dropped";

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

function checkHeaders(
  helper: string,
  headers: Readonly<Record<string, string>> | undefined,
): Readonly<Record<string, string>> | undefined {
  if (headers === undefined) return undefined;
  if (typeof headers !== "object" || headers === null) {
    throw new TypeError(`${helper}: headers must be an object of strings`);
  }
  for (const [name, value] of Object.entries(headers)) {
    if (!TOKEN.test(name)) throw new TypeError(`${helper}: invalid header name ${JSON.stringify(name)}`);
    if (typeof value !== "string" || !HEADER_VALUE.test(value)) {
      throw new TypeError(`${helper}: invalid value for header ${name}`);
    }
  }
  return headers;
}

/**
 * Accept the handshake. `subprotocol` must be one the client offered (see `scope.subprotocols`).
 * @example yield accept({ subprotocol: "chat.v1" });
 */
export function accept(options: { subprotocol?: string; headers?: Record<string, string> } = {}): AcceptEvent {
  const { subprotocol, headers } = options;
  if (subprotocol !== undefined && (typeof subprotocol !== "string" || !TOKEN.test(subprotocol))) {
    throw new TypeError(`accept(): subprotocol must be a token, got ${JSON.stringify(subprotocol)}`);
  }
  const event: { -readonly [K in keyof AcceptEvent]: AcceptEvent[K] } = { type: "websocket.accept" };
  if (subprotocol !== undefined) event.subprotocol = subprotocol;
  const checked = checkHeaders("accept()", headers);
  if (checked !== undefined) event.headers = checked;
  return event;
}

/**
 * Refuse the handshake with an HTTP response (no upgrade). Browsers cannot read the status of a
 * refused WebSocket; yield `close(4xxx, reason)` instead when page code must learn why.
 */
export function reject(status = 403, body?: string, headers?: Record<string, string>): RejectEvent {
  if (!Number.isInteger(status) || status < 300 || status > 599) {
    throw new RangeError(`reject(): status must be an HTTP status from 300 to 599, got ${String(status)}`);
  }
  if (body !== undefined && typeof body !== "string") {
    throw new TypeError(`reject(): body must be a string, got ${typeof body}`);
  }
  const event: { -readonly [K in keyof RejectEvent]: RejectEvent[K] } = {
    type: "websocket.reject",
    status,
    body: body ?? STATUS_CODES[status] ?? "",
  };
  const checked = checkHeaders("reject()", headers);
  if (checked !== undefined) event.headers = checked;
  return event;
}

/** Send a message: a string as a text frame, bytes (`Uint8Array`, `Buffer`, `ArrayBuffer`) as a binary frame. */
export function send(data: string | Uint8Array | ArrayBuffer): SendEvent {
  if (typeof data === "string") return { type: "websocket.send", text: data };
  if (data instanceof Uint8Array) return { type: "websocket.send", bytes: data };
  if (data instanceof ArrayBuffer) return { type: "websocket.send", bytes: new Uint8Array(data) };
  throw new TypeError(`send(): data must be a string or bytes, got ${describe(data)}`);
}

/** Send `JSON.stringify(value)` as a text frame. */
export function sendJson(value: unknown): SendTextEvent {
  const text = JSON.stringify(value) as string | undefined;
  if (text === undefined) throw new TypeError(`sendJson(): ${describe(value)} has no JSON form`);
  return { type: "websocket.send", text };
}

/**
 * Close the connection. `code` must be sendable (1000–1003, 1007–1014, 3000–4999) and `reason`
 * at most 123 UTF-8 bytes; otherwise this throws a `RangeError`.
 */
export function close(code = 1000, reason = ""): CloseEvent {
  assertCloseFrame(code, reason);
  return { type: "websocket.close", code, reason };
}

/**
 * Join `topic`: messages published to it reach this connection until it leaves or closes. On a
 * topic that keeps history, `since` (the `epoch` and `offset` of the last message the client
 * saw) replays what it missed before the live messages, or tells it "not recovered".
 * @example yield subscribe(`room:${room}`, { since: { epoch, offset } });
 */
export function subscribe(topic: string, options: { since?: Position } = {}): SubscribeEvent {
  checkTopic("subscribe()", topic);
  const { since } = options;
  if (since === undefined) return { type: "websocket.subscribe", topic };
  if (
    typeof since !== "object" ||
    since === null ||
    typeof since.epoch !== "string" ||
    !(Number.isSafeInteger(since.offset) && since.offset >= 0)
  ) {
    throw new TypeError("subscribe(): since must be { epoch: string, offset: a whole number >= 0 }");
  }
  return { type: "websocket.subscribe", topic, since: { epoch: since.epoch, offset: since.offset } };
}

/** Leave `topic`. */
export function unsubscribe(topic: string): UnsubscribeEvent {
  return { type: "websocket.unsubscribe", topic: checkTopic("unsubscribe()", topic) };
}

/**
 * Publish `data` to every subscriber of `topic` on every node (a string as text, bytes as
 * binary). With `exceptSelf`, the publishing connection does not receive it.
 * @example yield publish(`room:${scope.params.room}`, JSON.stringify(message), { exceptSelf: true });
 */
export function publish(
  topic: string,
  data: string | Uint8Array | ArrayBuffer,
  options: { exceptSelf?: boolean } = {},
): PublishEvent {
  checkTopic("publish()", topic);
  const exceptSelf = options.exceptSelf ?? false;
  if (typeof data === "string") return { type: "websocket.publish", topic, text: data, exceptSelf };
  if (data instanceof Uint8Array) return { type: "websocket.publish", topic, bytes: data, exceptSelf };
  if (data instanceof ArrayBuffer) return { type: "websocket.publish", topic, bytes: new Uint8Array(data), exceptSelf };
  throw new TypeError(`publish(): data must be a string or bytes, got ${describe(data)}`);
}

function checkTopic(helper: string, topic: string): string {
  if (typeof topic !== "string" || topic === "") throw new TypeError(`${helper}: topic must be a non-empty string`);
  // Topics starting with NUL are the runtime's own (one per path, for broadcast).
  if (topic.charCodeAt(0) === 0) throw new TypeError(`${helper}: topic must not start with a NUL character`);
  return topic;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "object") return value.constructor?.name ?? "object";
  return typeof value;
}

/** What a handler that yielded something other than an event is told, at its `yield`. */
export function notAnEvent(value: unknown): TypeError {
  let shown: string;
  try {
    shown = JSON.stringify(value) ?? String(value);
  } catch {
    shown = String(value);
  }
  return new TypeError(`handler yielded ${shown.slice(0, 100)}, which is not an event: yield send(…), close(…) …`);
}
