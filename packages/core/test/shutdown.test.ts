import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it, vi } from "vitest";
import { WebSocket } from "ws";
import type { CloseInfo } from "../src/index.js";
import { attach, send, serve, websocket } from "../src/index.js";
import { openClient } from "./_client.js";

describe("graceful shutdown", () => {
  it("delivers every message already yielded, then 1001", async () => {
    let yielded = 0;
    const server = await serve(
      async function* (scope) {
        for (let i = 0; i < 10_000; i++) {
          yield send(`message ${i}`);
          yielded++;
        }
        await new Promise((resolve) => scope.signal.addEventListener("abort", resolve));
      },
      { port: 0, logger: false },
    );
    const client = await openClient(`${server.url}/`);
    client.ws.pause();
    await vi.waitFor(() => expect(yielded).toBe(10_000));
    const closing = server.close();
    client.ws.resume();
    for (let i = 0; i < 10_000; i++) expect(await client.next()).toBe(`message ${i}`);
    expect(await client.closed).toEqual({ code: 1001, reason: "" });
    await closing;
  });

  it("answers the messages already queued before its 1001: what the server received, it answered", async () => {
    let read = 0;
    const server = await serve(
      async function* (_scope, receiver) {
        for await (const message of receiver) {
          read++;
          await new Promise((resolve) => setTimeout(resolve, 1));
          yield send(message);
        }
      },
      { port: 0, logger: false },
    );
    const clients = await Promise.all(Array.from({ length: 20 }, () => openClient(`${server.url}/`)));
    const answered = clients.map(() => 0);
    clients.forEach((client, i) => client.ws.on("message", () => answered[i]!++));
    for (const client of clients) for (let n = 0; n < 100; n++) client.ws.send(`m${n}`);
    await vi.waitFor(() => expect(server.stats().queuedMessages).toBeGreaterThan(200));
    await server.close();
    for (const client of clients) expect((await client.closed).code).toBe(1001);
    const { messagesIn, messagesDiscarded } = server.stats();
    const total = answered.reduce((a, b) => a + b, 0);
    expect(total).toBe(read);
    expect(messagesIn).toBe(read + messagesDiscarded);
  });

  it("sends the close frame within half the timeout to a handler that stopped reading", async () => {
    const server = await serve(
      async function* (_scope, receiver) {
        for await (const message of receiver) {
          yield send(message);
          await new Promise(() => {});
        }
      },
      { port: 0, logger: false },
    );
    const client = await openClient(`${server.url}/`);
    client.ws.send("one");
    client.ws.send("two");
    expect(await client.next()).toBe("one");
    await vi.waitFor(() => expect(server.stats().queuedMessages).toBe(1));
    const started = Date.now();
    const closing = server.close({ timeout: 1_000 });
    expect((await client.closed).code).toBe(1001);
    expect(Date.now() - started).toBeGreaterThanOrEqual(450);
    expect(Date.now() - started).toBeLessThan(900);
    await closing;
  });

  it("ends every receiver, runs onClose with cause shutdown for each, and resolves when all are gone", async () => {
    const closes: CloseInfo[] = [];
    const finished = vi.fn();
    const server = await serve(
      websocket(async function* (_scope, receiver) {
        try {
          for await (const message of receiver) yield send(message);
        } finally {
          finished();
        }
      }, { onClose: (_s, info) => void closes.push(info) }),
      { port: 0, logger: false },
    );
    const clients = await Promise.all(Array.from({ length: 5 }, () => openClient(`${server.url}/`)));
    await server.close({ code: 1012, reason: "restarting" });
    expect(closes).toHaveLength(5);
    for (const info of closes) expect(info).toMatchObject({ code: 1012, reason: "restarting", cause: "shutdown" });
    for (const client of clients) expect(await client.closed).toEqual({ code: 1012, reason: "restarting" });
    await vi.waitFor(() => expect(finished).toHaveBeenCalledTimes(5));
    expect(server.connections).toBe(0);
  });

  it("terminates a client that never completes the closing handshake once the timeout passes", async () => {
    const server = await serve(
      async function* (_scope, receiver) {
        for await (const message of receiver) yield send(message);
      },
      { port: 0, logger: false },
    );
    const client = await openClient(`${server.url}/`);
    client.ws.pause(); // it never reads the close frame, so never answers it
    const started = Date.now();
    await server.close({ timeout: 200 });
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(190); // it waited for the closing handshake…
    expect(took).toBeLessThan(2_000); // …then gave up on it
    expect(server.connections).toBe(0);
    client.ws.terminate();
  });

  it("answers upgrades that arrive while shutting down with 503", async () => {
    const http = createServer((_req, res) => res.end("ok"));
    await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
    const url = `ws://127.0.0.1:${(http.address() as AddressInfo).port}`;
    const endpoint = attach(
      websocket(async function* (_scope, receiver) {
        for await (const message of receiver) yield send(message);
      }),
      http,
      { logger: false },
    );
    const client = await openClient(`${url}/`);
    client.ws.pause(); // keeps the shutdown waiting for its closing handshake
    const closing = endpoint.close({ timeout: 300 });
    const status = await new Promise<number | undefined>((resolve) => {
      const late = new WebSocket(`${url}/`);
      late.on("unexpected-response", (_req, res) => resolve(res.statusCode));
      late.on("open", () => resolve(101));
    });
    expect(status).toBe(503);
    await closing;
    expect(endpoint.stats().rejected[503]).toBe(1);
    client.ws.terminate();
    http.close();
  });
});
