import { createHash, randomBytes } from "node:crypto";
import { connect } from "node:net";
import type { Route } from "./clients.js";

/**
 * A WebSocket client that does one thing, as cheaply as it can, so that the server is what a
 * handshake benchmark measures: over a raw TCP socket it sends an RFC 6455 opening handshake,
 * checks the 101 and its `Sec-WebSocket-Accept`, sends a masked close frame (1000), checks that
 * the server answers with a close frame, and resolves once the server has closed the TCP
 * connection. No WebSocket object, no parser beyond the few bytes it needs.
 */
export function rawHandshake(port: number, route: Route): Promise<void> {
  const key = nextKey();
  const request = handshakeRequest(port, route, key);
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: "127.0.0.1", noDelay: true });
    let received = "";
    let upgraded = false;
    let closeFrame = false;
    const fail = (why: string): void => {
      socket.destroy();
      reject(new Error(`raw handshake to ${route}: ${why}`));
    };
    socket.on("error", (error) => fail(error.message));
    socket.on("data", (chunk: Buffer) => {
      if (upgraded) {
        // The server's close frame: FIN + opcode 8, unmasked, 2 bytes of payload (the code).
        closeFrame ||= chunk[0] === 0x88;
        return;
      }
      received += chunk.toString("latin1");
      const end = received.indexOf("\r\n\r\n");
      if (end === -1) return;
      const head = received.slice(0, end);
      if (!head.startsWith("HTTP/1.1 101 ")) return fail(`expected 101, got "${head.split("\r\n")[0]}"`);
      if (acceptOf(head) !== expectedAccept(key)) return fail("wrong Sec-WebSocket-Accept");
      upgraded = true;
      if (received.length > end + 4) closeFrame = received.charCodeAt(end + 4) === 0x88;
      socket.write(CLOSE_1000);
    });
    socket.on("close", () => {
      if (!upgraded) fail("closed before the 101");
      else if (!closeFrame) fail("closed without a close frame");
      else resolve();
    });
    socket.write(request);
  });
}

/** The opening handshake every benchmark client sends: the server's own origin, `?token=bench`. */
export function handshakeRequest(port: number, route: string, key: string): string {
  return (
    `GET ${route}?token=bench HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
    `Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: ${key}\r\nOrigin: http://127.0.0.1:${port}\r\n\r\n`
  );
}

const GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

/** The value RFC 6455 §4.2.2 says the server must answer `key` with. */
export function expectedAccept(key: string): string {
  return createHash("sha1").update(key + GUID).digest("base64");
}

function acceptOf(head: string): string | undefined {
  const match = /\r\nsec-websocket-accept:[ \t]*([^\r]*)/i.exec(head);
  return match?.[1]?.trim();
}

/** A close frame with code 1000 and no reason, masked as every client frame must be. */
const CLOSE_1000 = ((): Buffer => {
  const mask = randomBytes(4);
  const payload = Buffer.from([0x03, 0xe8]);
  const frame = Buffer.alloc(8);
  frame[0] = 0x88; // FIN, opcode close
  frame[1] = 0x80 | payload.length; // masked, 2 bytes
  mask.copy(frame, 2);
  for (let i = 0; i < payload.length; i++) frame[6 + i] = (payload[i] as number) ^ (mask[i % 4] as number);
  return frame;
})();

/** Random bytes drawn in batches: each key is 16 of them, base64 (RFC 6455 §4.1). */
let pool = Buffer.alloc(0);
let offset = 0;

/** A fresh `Sec-WebSocket-Key`. */
export function nextKey(): string {
  if (offset + 16 > pool.length) {
    pool = randomBytes(16 * 1024);
    offset = 0;
  }
  offset += 16;
  return pool.toString("base64", offset - 16, offset);
}
