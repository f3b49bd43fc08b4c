import { createServer, request } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { connect } from "node:net";
import express from "express";
import Fastify from "fastify";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Endpoint, Handler, UpgradeOptions } from "../src/index.js";
import { attach, send, serve, upgradeHandler } from "../src/index.js";
import { openClient } from "./_client.js";

/** Every way of serving, each with a plain HTTP route at /health beside the WebSocket app. */
const echo: Handler = async function* (_scope, receiver) {
  for await (const message of receiver) yield send(message);
};

interface Served {
  readonly port: number;
  readonly endpoint: Endpoint;
  /** What a plain GET gets: 200 from the HTTP app, 426 from serve(), which speaks WebSocket only. */
  readonly plain: number;
}

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function listening(server: ReturnType<typeof createServer>): Promise<number> {
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port)));
}

const entryPoints: Record<string, (options: UpgradeOptions) => Promise<Served>> = {
  "serve()": async (options) => {
    const server = await serve(echo, { port: 0, ...options });
    cleanups.push(() => server.close({ timeout: 200 }));
    return { port: Number(server.address.port), endpoint: server, plain: 426 };
  },
  "attach() on node:http": async (options) => {
    const http = createServer((_req, res) => res.end("http ok"));
    const endpoint = attach(echo, http, options);
    cleanups.push(() => closeHttp(http), () => endpoint.close({ timeout: 200 }));
    return { port: await listening(http), endpoint, plain: 200 };
  },
  "attach() on Express": async (options) => {
    const web = express();
    web.get("/health", (_req, res) => void res.send("http ok"));
    const http = createServer(web);
    const endpoint = attach(echo, http, options);
    cleanups.push(() => closeHttp(http), () => endpoint.close({ timeout: 200 }));
    return { port: await listening(http), endpoint, plain: 200 };
  },
  "upgradeHandler() on Fastify": async (options) => {
    const fastify = Fastify();
    fastify.get("/health", () => "http ok");
    const handler = upgradeHandler(echo, options);
    fastify.server.on("upgrade", handler);
    cleanups.push(() => fastify.close(), () => handler.close({ timeout: 200 }));
    await fastify.listen({ port: 0, host: "127.0.0.1" });
    const port = (fastify.server.address() as AddressInfo).port;
    // upgradeHandler() guards the server of the first upgrade it handles.
    await echoes(port, "first");
    return { port, endpoint: handler, plain: 200 };
  },
};

function closeHttp(http: ReturnType<typeof createServer>): Promise<void> {
  http.closeAllConnections();
  return new Promise((resolve) => http.close(() => resolve()));
}

async function echoes(port: number, text: string, localAddress?: string): Promise<void> {
  const client = await openClient(`ws://127.0.0.1:${port}/`, { localAddress });
  client.ws.send(text);
  expect(await client.next()).toBe(text);
  client.ws.close();
  await client.closed;
}

/** The status of a plain GET, from `localAddress`. */
function get(port: number, localAddress = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path: "/health", localAddress, agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on("error", reject);
    req.end();
  });
}

/** A TCP connection from `localAddress` that sends nothing (or what `write` is given, a byte at a time). */
function rawSocket(port: number, localAddress = "127.0.0.1"): { socket: Socket; reply: Promise<string>; closed: Promise<number> } {
  const socket = connect({ port, host: "127.0.0.1", localAddress });
  socket.on("error", () => {});
  let data = "";
  socket.on("data", (chunk) => (data += chunk.toString()));
  const closed = new Promise<number>((resolve) => socket.on("close", () => resolve(Date.now())));
  return { socket, reply: closed.then(() => data), closed };
}

const handshake =
  "GET / HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n" +
  "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nX-Slow: ";

describe.each(Object.entries(entryPoints))("%s", (_name, start) => {
  it("drops sockets trickling their request head after headersTimeout, serving HTTP and WebSockets meanwhile", async () => {
    const { port, plain } = await start({ headersTimeout: 300, logger: false });
    const started = Date.now();
    const tricklers = Array.from({ length: 20 }, () => {
      const raw = rawSocket(port);
      let i = 0;
      const timer = setInterval(() => raw.socket.write(handshake[i++ % handshake.length] as string), 40);
      void raw.closed.then(() => clearInterval(timer));
      return raw;
    });
    expect(await get(port)).toBe(plain);
    await echoes(port, "served meanwhile");
    const closedAt = await Promise.all(tricklers.map((t) => t.closed));
    for (const at of closedAt) expect(at - started).toBeLessThan(2_000);
    expect((await tricklers[0]?.reply) ?? "").toMatch(/^(HTTP\/1\.1 408|$)/);
  });

  it("bounds TCP connections per address, before any request head, and serves other addresses", async () => {
    const { port, endpoint, plain } = await start({ maxConnectionsPerAddress: 5, logger: false });
    const held = Array.from({ length: 5 }, () => rawSocket(port));
    await Promise.all(held.map((h) => new Promise((resolve) => h.socket.once("connect", resolve))));
    const refused = rawSocket(port);
    expect(await refused.reply).toMatch(/^HTTP\/1\.1 429 /);
    await vi.waitFor(() => expect(endpoint.stats().rejected[429]).toBeGreaterThanOrEqual(1));
    expect(await get(port, "127.0.0.2")).toBe(plain);
    await echoes(port, "another address", "127.0.0.2");
    for (const h of held) h.socket.destroy();
    await Promise.all(held.map((h) => h.closed));
    await vi.waitFor(async () => expect(await get(port)).toBe(plain));
  });
});

describe("attach()", () => {
  it("refuses what is not an HTTP server, and a server that lets a request hold over 64 KiB of headers", () => {
    expect(() => attach(echo, {} as never)).toThrow(/attach\(\): server must be a node:http/);
    expect(() => attach(echo, createServer({ maxHeaderSize: 1024 * 1024 }))).toThrow(/maxHeaderSize \(1048576\)/);
    expect(() => attach(echo, createServer({ maxHeaderSize: 32 * 1024 }), { logger: false }).close()).not.toThrow();
  });

  it("counts per address behind a trusted proxy by the forwarded address only", async () => {
    const http = createServer((_req, res) => res.end("http ok"));
    const endpoint = attach(echo, http, { maxConnectionsPerAddress: 2, trustProxy: true, logger: false });
    cleanups.push(() => closeHttp(http), () => endpoint.close({ timeout: 200 }));
    const port = await listening(http);
    // Every socket comes from the proxy's address: the TCP level must not count them.
    const proxied = Array.from({ length: 4 }, () => rawSocket(port));
    await Promise.all(proxied.map((p) => new Promise((resolve) => p.socket.once("connect", resolve))));
    expect(await get(port)).toBe(200);
    for (const p of proxied) p.socket.destroy();
  });
});
