import type { Message } from "./events.js";

const FIN = 0x80;
const TEXT = 0x1;
const BINARY = 0x2;

/**
 * A message as one complete WebSocket frame the way a server sends it (RFC 6455 §5.2: final,
 * unmasked, uncompressed): a string as a text frame, bytes as a binary frame, header and payload
 * in one buffer. A transport writes it with a single write, and a published message is framed
 * once for all its subscribers.
 */
export function frame(data: Message): Buffer {
  const text = typeof data === "string";
  const length = text ? Buffer.byteLength(data) : data.byteLength;
  const header = length < 126 ? 2 : length < 0x10000 ? 4 : 10;
  const out = Buffer.allocUnsafe(header + length);
  out[0] = FIN | (text ? TEXT : BINARY);
  if (header === 2) {
    out[1] = length;
  } else if (header === 4) {
    out[1] = 126;
    out.writeUInt16BE(length, 2);
  } else {
    out[1] = 127;
    out.writeUInt32BE(Math.floor(length / 0x1_0000_0000), 2);
    out.writeUInt32BE(length >>> 0, 6);
  }
  if (text) out.write(data, header, length, "utf8");
  else out.set(data, header);
  return out;
}
