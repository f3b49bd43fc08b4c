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

/** A published message, encoded once and written as the same bytes to every subscriber. */
export interface Encoded {
  readonly data: Message;
  /** The payload as bytes (UTF-8 for text). */
  readonly bytes: Uint8Array;
  readonly binary: boolean;
  /** The whole frame, as {@link frame} makes it: for transports that write frames themselves. */
  readonly frame: Uint8Array;
}

/** Encodes lazily: each form is made the first time a transport asks for it, then shared. */
class EncodedMessage implements Encoded {
  readonly data: Message;
  #bytes: Uint8Array | undefined;
  #frame: Uint8Array | undefined;

  constructor(data: Message) {
    this.data = data;
  }

  get binary(): boolean {
    return typeof this.data !== "string";
  }

  get bytes(): Uint8Array {
    return (this.#bytes ??= typeof this.data === "string" ? Buffer.from(this.data) : this.data);
  }

  get frame(): Uint8Array {
    return (this.#frame ??= frame(this.data));
  }
}

/** The message, to be encoded once for all the subscribers it goes to. */
export function encode(data: Message): Encoded {
  return new EncodedMessage(data);
}
