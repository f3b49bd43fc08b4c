import { createServer } from "node:http";
import type { Server as HttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import express from "express";
import Fastify from "fastify";
import { afterEach, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import type { Handler, Scope } from "../src/index.js";
import { attach, reject, send, serve, upgradeHandler } from "../src/index.js";
import { openClient } from "./_client.js";
import { start } from "./_server.js";

/** /ws echoes; any other path is refused with 404. */
const app: Handler = (scope, receiver) =>
  scope.path === "/ws"
    ? (async function* () {
        for await (const message of receiver) yield send(message);
      })()
    : (async function* () {
        yield reject(404, "no socket here");
      })();

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function listen(server: HttpServer): Promise<string> {
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve(`127.0.0.1:${(server.address() as AddressInfo).port}`)),
  );
}

async function checkBoth(host: string): Promise<void> {
  const res = await fetch(`http://${host}/health`);
  expect(await res.text()).toBe("http ok");
  const client = await openClient(`ws://${host}/ws`);
  client.ws.send("over websocket");
  expect(await client.next()).toBe("over websocket");
  client.ws.close();
  const status = await new Promise<number | undefined>((resolve) => {
    const ws = new WebSocket(`ws://${host}/elsewhere`);
    ws.on("unexpected-response", (_req, r) => resolve(r.statusCode));
    ws.on("error", () => resolve(undefined));
  });
  expect(status).toBe(404);
}

describe("sharing a port with HTTP", () => {
  it("attach() serves WebSockets beside a node:http app", async () => {
    const http = createServer((_req, res) => res.end("http ok"));
    const endpoint = attach(app, http, { logger: false });
    cleanups.push(() => new Promise((resolve) => http.close(resolve)), () => endpoint.close());
    await checkBoth(await listen(http));
  });

  it("upgradeHandler() plugs into Express", async () => {
    const web = express();
    web.get("/health", (_req, res) => {
      res.send("http ok");
    });
    const http = createServer(web);
    const handler = upgradeHandler(app, { logger: false });
    http.on("upgrade", handler);
    cleanups.push(() => new Promise((resolve) => http.close(resolve)), () => handler.close());
    await checkBoth(await listen(http));
  });

  it("upgradeHandler() plugs into Fastify", async () => {
    const fastify = Fastify();
    fastify.get("/health", () => "http ok");
    const handler = upgradeHandler(app, { logger: false });
    fastify.server.on("upgrade", handler);
    cleanups.push(() => fastify.close(), () => handler.close());
    await fastify.listen({ port: 0, host: "127.0.0.1" });
    await checkBoth(`127.0.0.1:${(fastify.server.address() as AddressInfo).port}`);
  });

  it("checks attach() and upgradeHandler() options at once", () => {
    expect(() => upgradeHandler(app, { maxPayload: -1 })).toThrow(/"maxPayload"/);
    expect(() => attach(app, createServer(), { closeTimeout: 0 })).toThrow(/"closeTimeout"/);
  });
});

describe("listening", () => {
  it("serves on a Unix domain socket", async () => {
    const socketPath = join(mkdtempSync(join(tmpdir(), "scallion-")), "ws.sock");
    const server = await serve(app, { socketPath, logger: false });
    cleanups.push(() => server.close());
    expect(server.address).toEqual({ path: socketPath });
    const client = await openClient(`${server.url}/ws`);
    client.ws.send("via unix socket");
    expect(await client.next()).toBe("via unix socket");
    client.ws.close();
  });

  it("takes scope.address from proxy headers only when trustProxy is set", async () => {
    const seen: string[] = [];
    const record: Handler = async function* (scope: Scope) {
      seen.push(scope.address);
    };
    const headers = { "X-Forwarded-For": "203.0.113.7, 198.51.100.2" };
    for (const trustProxy of [false, true, 1] as const) {
      const server = await start(record, { trustProxy });
      await (await openClient(`${server.url}/`, { headers })).closed;
    }
    const server = await start(record, { trustProxy: true });
    await (await openClient(`${server.url}/`, { headers: { "X-Real-IP": "192.0.2.9" } })).closed;
    expect(seen).toEqual(["127.0.0.1", "203.0.113.7", "198.51.100.2", "192.0.2.9"]);
  });
});
