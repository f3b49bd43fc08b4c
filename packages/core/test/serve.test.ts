import { describe, expect, it } from "vitest";
import { connect } from "node:net";
import { WebSocket } from "ws";
import type { Handler } from "../src/index.js";
import { OptionError, reject, send, serve } from "../src/index.js";
import { openClient } from "./_client.js";
import { start } from "./_server.js";

const echo: Handler = async function* (_scope, receiver) {
  for await (const message of receiver) yield send(message);
};

describe("serve()", () => {
  it("echoes 10,000 text and binary messages in order", async () => {
    const server = await start(echo);
    const client = await openClient(`${server.url}/`);
    const count = 10_000;
    for (let i = 0; i < count; i++) {
      client.ws.send(i % 2 === 0 ? `m${i}` : Buffer.from(`b${i}`));
    }
    for (let i = 0; i < count; i++) {
      const message = await client.next();
      if (i % 2 === 0) expect(message).toBe(`m${i}`);
      else expect(Buffer.isBuffer(message) && message.toString()).toBe(`b${i}`);
    }
  });

  it("carries UTF-8 text with emoji and an empty message unchanged", async () => {
    const server = await start(echo);
    const client = await openClient(`${server.url}/`);
    const text = "héllo wörld 🧅🚀 — 日本語";
    client.ws.send(text);
    client.ws.send("");
    client.ws.send(Buffer.alloc(0));
    expect(await client.next()).toBe(text);
    expect(await client.next()).toBe("");
    expect(Buffer.isBuffer(await client.next())).toBe(true);
  });

  it("serves 100 concurrent connections", async () => {
    const server = await start(echo);
    const clients = await Promise.all(Array.from({ length: 100 }, () => openClient(`${server.url}/`)));
    expect(server.connections).toBe(100);
    clients.forEach((c, i) => c.ws.send(`hello ${i}`));
    const replies = await Promise.all(clients.map((c) => c.next()));
    expect(replies).toEqual(clients.map((_, i) => `hello ${i}`));
    clients.forEach((c) => c.ws.close());
    await Promise.all(clients.map((c) => c.closed));
  });

  it("answers plain HTTP requests with 426", async () => {
    const server = await start(echo);
    const res = await fetch(server.url.replace("ws:", "http:"));
    expect(res.status).toBe(426);
    await res.text();
  });

  it("answers malformed handshakes with a 4xx before any handler runs", async () => {
    let ran = false;
    const server = await start(async function* () {
      ran = true;
      yield reject(500);
    });
    const ask = (request: string) =>
      new Promise<string>((resolve) => {
        const socket = connect(Number(server.address.port), "127.0.0.1", () => socket.write(request));
        let data = "";
        socket.on("data", (chunk) => (data += chunk.toString()));
        socket.on("close", () => resolve(data));
      });
    const head = "Host: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n";
    expect(await ask(`GET / HTTP/1.1\r\n${head}Sec-WebSocket-Version: 13\r\n\r\n`)).toMatch(/^HTTP\/1.1 400/);
    expect(
      await ask(`GET / HTTP/1.1\r\n${head}Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 7\r\n\r\n`),
    ).toMatch(/^HTTP\/1.1 426[\s\S]*Sec-WebSocket-Version: 13, 8/);
    expect(
      await ask(`POST / HTTP/1.1\r\n${head}Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`),
    ).toMatch(/^HTTP\/1.1 405/);
    expect(ran).toBe(false);
  });

  it("closes gracefully: clients get 1001 and the promise resolves when all are gone", async () => {
    const server = await serve(echo, { port: 0, logger: false });
    const clients = await Promise.all([openClient(`${server.url}/`), openClient(`${server.url}/`)]);
    await server.close();
    for (const c of clients) expect((await c.closed).code).toBe(1001);
    expect(server.connections).toBe(0);
    const late = new WebSocket(`${server.url}/`);
    await new Promise((resolve) => late.on("error", resolve));
  });

  it("throws at start-up naming an invalid option", async () => {
    await expect(serve(echo, { port: -1 })).rejects.toThrow(OptionError);
    await expect(serve(echo, { port: -1 })).rejects.toMatchObject({ option: "port", code: "SCALLION_INVALID_OPTION" });
    await expect(serve(echo, { maxPayload: 0 })).rejects.toThrow(/option "maxPayload" must be a positive integer, got 0/);
    await expect(serve(echo, { pingInterval: "often" as never })).rejects.toThrow(/"pingInterval"/);
    await expect(serve(echo, { maxQeue: 4 } as never)).rejects.toThrow(/option "maxQeue" is not known/);
    await expect(serve(echo, { logger: {} as never })).rejects.toThrow(/"logger"/);
    await expect(serve("not a handler" as never)).rejects.toThrow(TypeError);
  });
});
