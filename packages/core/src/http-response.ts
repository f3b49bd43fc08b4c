import { STATUS_CODES } from "node:http";
import type { Duplex } from "node:stream";

/** Answers a raw socket with a plain-text HTTP response and closes it. */
export function writeHttpResponse(
  socket: Duplex,
  status: number,
  body: string,
  headers: Readonly<Record<string, string>>,
): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const fields = new Map<string, string>([
    ["connection", "Connection: close"],
    ["content-type", "Content-Type: text/plain; charset=utf-8"],
  ]);
  for (const [name, value] of Object.entries(headers)) fields.set(name.toLowerCase(), `${name}: ${value}`);
  fields.set("content-length", `Content-Length: ${Buffer.byteLength(body)}`);
  const head = `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ""}\r\n${[...fields.values()].join("\r\n")}\r\n\r\n`;
  socket.once("finish", () => socket.destroy());
  socket.end(head + body);
}
