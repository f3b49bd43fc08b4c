import type { Message } from "@scallion/core";
import type { PubSubMessage } from "@scallion/core/transport";

/** The first byte of every frame. Format 1 (first byte 0 or 1, for text or binary) had no origin. */
const FORMAT = 2;
/** Flag bits of the second byte. */
const BINARY = 1;

/**
 * A published message as bytes on a Redis channel, binary-safe:
 *
 * | bytes | what |
 * |---|---|
 * | 1 | format, 2 |
 * | 1 | flags: bit 0 set for a binary payload, clear for text; the other bits 0 |
 * | 1 + n | the publishing node's id (`origin`): its length, then its UTF-8 bytes |
 * | 2 | how many connection ids to exclude (big-endian) |
 * | (1 + n) each | each id: its length, then its UTF-8 bytes |
 * | the rest | the payload as it is |
 */
export function encodeFrame(message: PubSubMessage): Buffer {
  const origin = Buffer.from(message.origin);
  if (origin.length > 0xff) throw new RangeError("node ids are at most 255 bytes");
  const ids = (message.exclude ?? []).map((id) => Buffer.from(id));
  if (ids.length > 0xffff) throw new RangeError("cannot exclude more than 65535 connections");
  const payload = typeof message.data === "string" ? Buffer.from(message.data) : message.data;
  let size = 5 + origin.length + payload.length;
  for (const id of ids) {
    if (id.length > 0xff) throw new RangeError("connection ids are at most 255 bytes");
    size += 1 + id.length;
  }
  const frame = Buffer.allocUnsafe(size);
  frame[0] = FORMAT;
  frame[1] = typeof message.data === "string" ? 0 : BINARY;
  frame[2] = origin.length;
  let offset = 3 + origin.copy(frame, 3);
  frame.writeUInt16BE(ids.length, offset);
  offset += 2;
  for (const id of ids) {
    frame[offset++] = id.length;
    offset += id.copy(frame, offset);
  }
  frame.set(payload, offset);
  return frame;
}

/** Reads a frame back; throws a RangeError on bytes that are not one. */
export function decodeFrame(topic: string, frame: Buffer): PubSubMessage {
  if (frame.length < 5 || frame[0] !== FORMAT || ((frame[1] as number) & ~BINARY) !== 0) {
    throw new RangeError("not a Scallion frame (format 2)");
  }
  let offset = 3 + (frame[2] as number);
  if (offset + 2 > frame.length) throw new RangeError("truncated Scallion frame");
  const origin = frame.toString("utf8", 3, offset);
  const count = frame.readUInt16BE(offset);
  offset += 2;
  const exclude: string[] = [];
  for (let i = 0; i < count; i++) {
    const length = frame[offset++];
    if (length === undefined || offset + length > frame.length) throw new RangeError("truncated Scallion frame");
    exclude.push(frame.toString("utf8", offset, offset + length));
    offset += length;
  }
  const data: Message = frame[1] === BINARY ? frame.subarray(offset) : frame.toString("utf8", offset);
  return count === 0 ? { topic, data, origin } : { topic, data, exclude, origin };
}
