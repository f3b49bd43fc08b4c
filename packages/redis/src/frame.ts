import type { Message } from "@scallion/core";
import type { PubSubMessage } from "@scallion/core/transport";

const TEXT = 0;
const BINARY = 1;

/**
 * A published message as bytes on a Redis channel, binary-safe: one byte for text or binary,
 * two for how many connection ids to exclude, each id as a length byte and its bytes, then the
 * payload as it is.
 */
export function encodeFrame(message: PubSubMessage): Buffer {
  const ids = (message.exclude ?? []).map((id) => Buffer.from(id));
  if (ids.length > 0xffff) throw new RangeError("cannot exclude more than 65535 connections");
  const payload = typeof message.data === "string" ? Buffer.from(message.data) : message.data;
  let size = 3 + payload.length;
  for (const id of ids) {
    if (id.length > 0xff) throw new RangeError("connection ids are at most 255 bytes");
    size += 1 + id.length;
  }
  const frame = Buffer.allocUnsafe(size);
  frame[0] = typeof message.data === "string" ? TEXT : BINARY;
  frame.writeUInt16BE(ids.length, 1);
  let offset = 3;
  for (const id of ids) {
    frame[offset++] = id.length;
    offset += id.copy(frame, offset);
  }
  frame.set(payload, offset);
  return frame;
}

/** Reads a frame back; throws a RangeError on bytes that are not one. */
export function decodeFrame(topic: string, frame: Buffer): PubSubMessage {
  if (frame.length < 3 || (frame[0] !== TEXT && frame[0] !== BINARY)) throw new RangeError("not a Scallion frame");
  const count = frame.readUInt16BE(1);
  const exclude: string[] = [];
  let offset = 3;
  for (let i = 0; i < count; i++) {
    const length = frame[offset++];
    if (length === undefined || offset + length > frame.length) throw new RangeError("truncated Scallion frame");
    exclude.push(frame.toString("utf8", offset, offset + length));
    offset += length;
  }
  const data: Message = frame[0] === TEXT ? frame.toString("utf8", offset) : frame.subarray(offset);
  return count === 0 ? { topic, data } : { topic, data, exclude };
}
