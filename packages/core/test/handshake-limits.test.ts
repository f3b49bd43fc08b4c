import { connect } from "node:net";
import { describe, expect, it, vi } from "vitest";
import type { Handler } from "../src/index.js";
import { send } from "../src/index.js";
import { openClient } from "./_client.js";
import { start } from "./_server.js";

const echo: Handler = async function* (_scope, receiver) {
  for await (const message of receiver) yield send(message);
};

/** Sends a raw request and collects the response until the server closes the socket. */
function rawRequest(port: number, request: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1", () => socket.write(request));
    let data = "";
    socket.on("data", (chunk) => (data += chunk.toString()));
    socket.on("error", () => resolve(data));
    socket.on("close", () => resolve(data));
  });
}

const handshake =
  "GET / HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n" +
  "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n";

describe("handshake limits", () => {
  it("drops clients trickling their headers after headersTimeout, serving others meanwhile", async () => {
    const server = await start(echo, { headersTimeout: 300 });
    const port = Number(server.address.port);
    const tricklers = Array.from({ length: 20 }, () => {
      const socket = connect(port, "127.0.0.1");
      socket.on("error", () => {});
      const text = `${handshake}X-Slow: ${"a".repeat(1000)}\r\n\r\n`;
      let i = 0;
      const timer = setInterval(() => socket.write(text[i++ % text.length] as string), 50);
      const closedAt = new Promise<number>((resolve) => socket.on("close", () => resolve(Date.now())));
      return { socket, timer, closedAt };
    });
    const started = Date.now();
    const client = await openClient(`${server.url}/`);
    client.ws.send("served meanwhile");
    expect(await client.next()).toBe("served meanwhile");
    const closedAt = await Promise.all(tricklers.map((t) => t.closedAt));
    for (const t of tricklers) clearInterval(t.timer);
    for (const at of closedAt) expect(at - started).toBeLessThan(2_500);
  });

  it("refuses a 64 KiB header value with a 4xx", async () => {
    const server = await start(echo);
    const response = await rawRequest(Number(server.address.port), `${handshake}X-Big: ${"b".repeat(64 * 1024)}\r\n\r\n`);
    expect(response).toMatch(/^HTTP\/1\.1 431/);
    const client = await openClient(`${server.url}/`);
    client.ws.send("still fine");
    expect(await client.next()).toBe("still fine");
  });

  it("refuses 2,000 headers with a 4xx", async () => {
    const server = await start(echo);
    const many = Array.from({ length: 2000 }, (_, i) => `X-H${i}: v`).join("\r\n");
    const response = await rawRequest(Number(server.address.port), `${handshake}${many}\r\n\r\n`);
    expect(response).toMatch(/^HTTP\/1\.1 4\d\d/);
  });

  it("abandons a handshake nobody decides with 503, counted in stats", async () => {
    const server = await start(
      async function* () {
        await new Promise(() => {});
      },
      { handshakeTimeout: 100 },
    );
    const response = await rawRequest(Number(server.address.port), `${handshake}\r\n`);
    expect(response).toMatch(/^HTTP\/1\.1 503/);
    await vi.waitFor(() => expect(server.stats().rejected[503]).toBe(1));
  });

  it("gives each undecided handshake its own full timeout, however they overlap", async () => {
    const server = await start(
      async function* () {
        await new Promise(() => {});
      },
      { handshakeTimeout: 200 },
    );
    const port = Number(server.address.port);
    const timed = async (): Promise<number> => {
      const started = Date.now();
      expect(await rawRequest(port, `${handshake}\r\n`)).toMatch(/^HTTP\/1\.1 503/);
      return Date.now() - started;
    };
    const first = timed();
    await new Promise((resolve) => setTimeout(resolve, 120));
    // Started while the first waits: it must not be given up with the first, 80 ms early.
    const elapsed = await Promise.all([first, timed(), timed()]);
    for (const ms of elapsed) expect(ms).toBeGreaterThanOrEqual(190);
    expect(server.stats().handshakes).toBe(0);
  });
});
