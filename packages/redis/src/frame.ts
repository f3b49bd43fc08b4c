import type { Message } from "@scallion/core";
import type { Position, PubSubMessage } from "@scallion/core/transport";

/** The first byte of every frame. Format 1 (first byte 0 or 1, for text or binary) had no origin. */
export const FORMAT = 2;
/** Flag bits of the second byte. */
export const BINARY = 1;
export const POSITIONED = 2;

/**
 * A published message as bytes on a Redis channel, binary-safe:
 *
 * | bytes | what |
 * |---|---|
 * | 1 | format, 2 |
 * | 1 | flags: bit 0 set for a binary payload (clear for text), bit 1 when a position follows; the others 0 |
 * | 1 + n, 1 + n | with bit 1: the topic's epoch, then the offset in decimal digits, each as its length and its bytes |
 * | 1 + n | the publishing node's id (`origin`): its length, then its UTF-8 bytes |
 * | 2 | how many connection ids to exclude (big-endian) |
 * | (1 + n) each | each id: its length, then its UTF-8 bytes |
 * | the rest | the payload as it is |
 */
export function encodeFrame(message: PubSubMessage): Buffer {
  const flags = (typeof message.data === "string" ? 0 : BINARY) | (message.position === undefined ? 0 : POSITIONED);
  const parts: Uint8Array[] = [Buffer.from([FORMAT, flags])];
  if (message.position !== undefined) parts.push(positionBytes(message.position));
  parts.push(encodeBody(message));
  return Buffer.concat(parts);
}

/** The frame from the origin on: what follows the flags and the position (a script adds those). */
export function encodeBody(message: PubSubMessage): Buffer {
  const origin = Buffer.from(message.origin);
  if (origin.length > 0xff) throw new RangeError("node ids are at most 255 bytes");
  const ids = (message.exclude ?? []).map((id) => Buffer.from(id));
  if (ids.length > 0xffff) throw new RangeError("cannot exclude more than 65535 connections");
  const payload = typeof message.data === "string" ? Buffer.from(message.data) : message.data;
  let size = 3 + origin.length + payload.length;
  for (const id of ids) {
    if (id.length > 0xff) throw new RangeError("connection ids are at most 255 bytes");
    size += 1 + id.length;
  }
  const body = Buffer.allocUnsafe(size);
  body[0] = origin.length;
  let offset = 1 + origin.copy(body, 1);
  body.writeUInt16BE(ids.length, offset);
  offset += 2;
  for (const id of ids) {
    body[offset++] = id.length;
    offset += id.copy(body, offset);
  }
  body.set(payload, offset);
  return body;
}

/** Reads a frame back; throws a RangeError on bytes that are not one. */
export function decodeFrame(topic: string, frame: Buffer): PubSubMessage {
  const flags = frame[1] as number;
  if (frame.length < 5 || frame[0] !== FORMAT || (flags & ~(BINARY | POSITIONED)) !== 0) {
    throw new RangeError("not a Scallion frame (format 2)");
  }
  let offset = 2;
  const field = (): string => {
    const length = frame[offset++];
    if (length === undefined || offset + length > frame.length) throw new RangeError("truncated Scallion frame");
    offset += length;
    return frame.toString("utf8", offset - length, offset);
  };
  let position: Position | undefined;
  if ((flags & POSITIONED) !== 0) {
    const epoch = field();
    const digits = field();
    if (!/^\d{1,15}$/.test(digits)) throw new RangeError("a Scallion frame with a bad offset");
    position = { epoch, offset: Number(digits) };
  }
  const origin = field();
  if (offset + 2 > frame.length) throw new RangeError("truncated Scallion frame");
  const count = frame.readUInt16BE(offset);
  offset += 2;
  const exclude: string[] = [];
  for (let i = 0; i < count; i++) exclude.push(field());
  const data: Message = (flags & BINARY) !== 0 ? frame.subarray(offset) : frame.toString("utf8", offset);
  return {
    topic,
    data,
    origin,
    ...(count === 0 ? {} : { exclude }),
    ...(position === undefined ? {} : { position }),
  };
}

function positionBytes({ epoch, offset }: Position): Uint8Array {
  const e = Buffer.from(epoch);
  const o = Buffer.from(String(offset));
  if (e.length > 0xff) throw new RangeError("epochs are at most 255 bytes");
  return Buffer.concat([Buffer.from([e.length]), e, Buffer.from([o.length]), o]);
}
