import { STATUS_CODES } from "node:http";
import { assertCloseFrame } from "./close-codes.js";

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

/** Everything a handler may yield. */
export type Event = AcceptEvent | RejectEvent | SendEvent | CloseEvent;

/**
 * What a `yield` evaluates to: `"accepted"` after an accept, `"sent"` once the socket has taken a
 * send below its high-water mark, `"dropped"` when the connection had already ended.
 */
export type Outcome = "accepted" | "sent" | "dropped";

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

function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "object") return value.constructor?.name ?? "object";
  return typeof value;
}
