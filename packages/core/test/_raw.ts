import { randomBytes } from "node:crypto";
import { connect } from "node:net";
import type { Socket } from "node:net";

/** A WebSocket client speaking raw bytes, for sending what a well-behaved library refuses to. */
export interface RawClient {
  readonly socket: Socket;
  /** Writes one frame; see {@link frame}. */
  write(bytes: Buffer): void;
  /** The close code of the first close frame the server sends, or undefined if it never sends one. */
  readonly closeCode: Promise<number | undefined>;
  /** Resolves when the TCP connection is gone. */
  readonly ended: Promise<void>;
  /** Data frames received (opcode 1 or 2), as payloads. */
  readonly messages: Buffer[];
}

export interface FrameOptions {
  fin?: boolean;
  rsv?: number;
  opcode: number;
  payload?: Buffer;
  mask?: boolean;
  /** Declare this length instead of the payload's (for lying frames). */
  declaredLength?: bigint;
}

/** Builds a client-to-server frame (masked unless `mask: false`). */
export function frame({ fin = true, rsv = 0, opcode, payload = Buffer.alloc(0), mask = true, declaredLength }: FrameOptions): Buffer {
  const length = declaredLength ?? BigInt(payload.length);
  const head: number[] = [(fin ? 0x80 : 0) | (rsv << 4) | opcode];
  const maskBit = mask ? 0x80 : 0;
  if (length < 126n) head.push(maskBit | Number(length));
  else if (length < 65536n) head.push(maskBit | 126, Number(length >> 8n) & 0xff, Number(length) & 0xff);
  else {
    head.push(maskBit | 127);
    for (let i = 7; i >= 0; i--) head.push(Number((length >> BigInt(i * 8)) & 0xffn));
  }
  if (!mask) return Buffer.concat([Buffer.from(head), payload]);
  const key = randomBytes(4);
  const masked = Buffer.from(payload.map((b, i) => b ^ (key[i % 4] as number)));
  return Buffer.concat([Buffer.from(head), key, masked]);
}

export function closePayload(code: number, reason = ""): Buffer {
  const buf = Buffer.alloc(2 + Buffer.byteLength(reason));
  buf.writeUInt16BE(code, 0);
  buf.write(reason, 2);
  return buf;
}

/** Completes a handshake on `path` and returns the raw client. */
export function openRaw(port: number, path = "/", extraHeaders = ""): Promise<RawClient> {
  const socket = connect(port, "127.0.0.1");
  socket.on("error", () => {});
  const messages: Buffer[] = [];
  let buffer = Buffer.alloc(0);
  let upgraded = false;
  let resolveClose!: (code: number | undefined) => void;
  const closeCode = new Promise<number | undefined>((resolve) => (resolveClose = resolve));
  const ended = new Promise<void>((resolve) => socket.on("close", () => resolve()));
  void ended.then(() => resolveClose(undefined));
  return new Promise((resolve, reject) => {
    socket.on("data", (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      if (!upgraded) {
        const end = buffer.indexOf("\r\n\r\n");
        if (end === -1) return;
        const head = buffer.subarray(0, end).toString();
        if (!head.startsWith("HTTP/1.1 101")) return reject(new Error(head));
        upgraded = true;
        buffer = buffer.subarray(end + 4);
        resolve({ socket, write: (bytes) => socket.write(bytes), closeCode, ended, messages });
      }
      // Parse server frames (unmasked, lengths under 2^32 here).
      for (;;) {
        if (buffer.length < 2) return;
        const opcode = (buffer[0] as number) & 0x0f;
        let length = (buffer[1] as number) & 0x7f;
        let offset = 2;
        if (length === 126) {
          if (buffer.length < 4) return;
          length = buffer.readUInt16BE(2);
          offset = 4;
        } else if (length === 127) {
          if (buffer.length < 10) return;
          length = Number(buffer.readBigUInt64BE(2));
          offset = 10;
        }
        if (buffer.length < offset + length) return;
        const payload = buffer.subarray(offset, offset + length);
        buffer = buffer.subarray(offset + length);
        if (opcode === 8) resolveClose(payload.length >= 2 ? payload.readUInt16BE(0) : 1005);
        else if (opcode === 1 || opcode === 2) messages.push(Buffer.from(payload));
      }
    });
    socket.write(
      `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
        `Sec-WebSocket-Key: ${randomBytes(16).toString("base64")}\r\nSec-WebSocket-Version: 13\r\n${extraHeaders}\r\n`,
    );
  });
}
