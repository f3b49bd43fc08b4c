// "@scallion/core/since": the `since` query parameter by which a reconnecting client hands the
// server the last position it saw on each topic with history. `@scallion/client` writes it,
// `resume()` of `@scallion/middleware` reads it; both use this one codec. Nothing here needs
// Node: browser-safe.
import type { Position } from "./history.js";

export type { Position } from "./history.js";

/** The query parameter's name. */
export const SINCE_PARAM = "since";
/** At most this many topics in one `since`; a longer one is ignored whole. */
export const MAX_SINCE_TOPICS = 64;
/** At most this many characters in one `since`; a longer one is ignored whole. */
export const MAX_SINCE_LENGTH = 4096;

const BASE64URL = /^[A-Za-z0-9_-]+$/;
const OFFSET = /^(?:0|[1-9]\d{0,15})$/;

/**
 * Writes positions as `since`: for each topic `<topic>.<epoch>.<offset>`, topic and epoch as
 * unpadded base64url of their UTF-8, the offset in decimal, all joined by `.`, so the value is
 * URL-safe as it is. Takes entries in the order given while they fit the bounds; `topics` says
 * which did.
 *
 * @example
 * encodeSince([["room:1", { epoch: "Xk2bQ9aZ", offset: 42 }]]).value; // "cm9vbTox.WGsyYlE5YVo.42"
 */
export function encodeSince(entries: Iterable<readonly [topic: string, position: Position]>): {
  value: string;
  topics: string[];
} {
  const parts: string[] = [];
  const topics: string[] = [];
  let length = -1;
  for (const [topic, { epoch, offset }] of entries) {
    if (topics.length === MAX_SINCE_TOPICS) break;
    const part = `${toBase64url(topic)}.${toBase64url(epoch)}.${offset}`;
    if (length + 1 + part.length > MAX_SINCE_LENGTH) continue;
    length += 1 + part.length;
    parts.push(part);
    topics.push(topic);
  }
  return { value: parts.join("."), topics };
}

/**
 * Reads a `since` value: each topic's position, or `undefined` when there is none or it is
 * malformed in any way (too long, too many topics, a topic twice, bad base64url or UTF-8, an
 * offset that is not a whole number below 2^53), so bad input is the same as no input.
 */
export function decodeSince(value: string | undefined): Map<string, Position> | undefined {
  if (value === undefined || value === "" || value.length > MAX_SINCE_LENGTH) return undefined;
  const fields = value.split(".");
  if (fields.length % 3 !== 0 || fields.length / 3 > MAX_SINCE_TOPICS) return undefined;
  const positions = new Map<string, Position>();
  for (let i = 0; i < fields.length; i += 3) {
    const topic = fromBase64url(fields[i]!);
    const epoch = fromBase64url(fields[i + 1]!);
    const offset = fields[i + 2]!;
    const n = OFFSET.test(offset) ? Number(offset) : NaN;
    if (topic === undefined || epoch === undefined || !Number.isSafeInteger(n) || positions.has(topic)) return undefined;
    positions.set(topic, { epoch, offset: n });
  }
  return positions;
}

function toBase64url(text: string): string {
  let binary = "";
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** The text `field` encodes, or `undefined` if it is not unpadded base64url of UTF-8. */
function fromBase64url(field: string): string | undefined {
  if (!BASE64URL.test(field) || field.length % 4 === 1) return undefined;
  const binary = atob(field.replace(/-/g, "+").replace(/_/g, "/"));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}
