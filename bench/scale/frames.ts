/**
 * The little of RFC 6455 a holder of idle client connections needs: it reads the server's
 * (unmasked) frames out of a socket's chunks, however they are split, and writes masked ones.
 */

/** A frame from the server: its opcode and payload. */
export interface Frame {
  opcode: number;
  payload: Buffer;
}

export const TEXT = 0x1;
export const CLOSE = 0x8;
export const PING = 0x9;
export const PONG = 0xa;

/** Reads frames from a stream of chunks; a frame split across chunks waits for the rest. */
export class FrameReader {
  #pending: Buffer | undefined;

  /** Every whole frame `chunk` completes, in order. */
  read(chunk: Buffer): Frame[] {
    let buffer = this.#pending === undefined ? chunk : Buffer.concat([this.#pending, chunk]);
    this.#pending = undefined;
    const frames: Frame[] = [];
    for (;;) {
      const frame = frameAt(buffer);
      if (frame === undefined) break;
      frames.push(frame.frame);
      buffer = buffer.subarray(frame.end);
    }
    if (buffer.length > 0) this.#pending = Buffer.from(buffer);
    return frames;
  }
}

function frameAt(buffer: Buffer): { frame: Frame; end: number } | undefined {
  if (buffer.length < 2) return undefined;
  const opcode = (buffer[0] as number) & 0x0f;
  let length = (buffer[1] as number) & 0x7f;
  let start = 2;
  if (length === 126) {
    if (buffer.length < 4) return undefined;
    length = buffer.readUInt16BE(2);
    start = 4;
  } else if (length === 127) {
    if (buffer.length < 10) return undefined;
    length = Number(buffer.readBigUInt64BE(2));
    start = 10;
  }
  const end = start + length;
  if (buffer.length < end) return undefined;
  return { frame: { opcode, payload: buffer.subarray(start, end) }, end };
}

/**
 * A final client frame with a zero masking key (mask bit set, payload as it is): valid for any
 * server, and nothing to compute. Payloads up to 125 bytes, which is all a holder sends.
 */
export function maskedFrame(opcode: number, payload: Buffer): Buffer {
  if (payload.length > 125) throw new RangeError("maskedFrame: payloads up to 125 bytes");
  const frame = Buffer.alloc(6 + payload.length);
  frame[0] = 0x80 | opcode;
  frame[1] = 0x80 | payload.length;
  payload.copy(frame, 6);
  return frame;
}
