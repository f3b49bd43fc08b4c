import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { WebSocket } from "ws";
import type { Message } from "../src/index.js";
import * as core from "../src/index.js";
import { openClient } from "./_client.js";
import { recordingLogger, start } from "./_server.js";

/**
 * Two copies of @scallion/core side by side, as when a package brings its own: the second is a
 * copy of the sources in a folder of its own (under node_modules, so it finds `ws`), loaded as a
 * module graph of its own. Each copy knows only its own connections; nothing is shared by name.
 */
let other: typeof core;
let folder: string;

beforeAll(async () => {
  const here = fileURLToPath(new URL(".", import.meta.url));
  folder = mkdtempSync(join(here, "../node_modules/.two-copies-"));
  cpSync(join(here, "../src"), join(folder, "src"), { recursive: true });
  other = (await import(join(folder, "src/index.ts"))) as typeof core;
});

afterAll(() => rmSync(folder, { recursive: true, force: true }));

function refusal(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.on("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
    ws.on("open", () => reject(new Error("upgraded")));
    ws.on("error", () => {});
  });
}

describe("two copies of @scallion/core", () => {
  it("are two copies: their classes differ", () => {
    expect(other.CloseError).not.toBe(core.CloseError);
  });

  it("hooks of the other copy refuse, loudly, a connection they cannot see (HTTP 500, the cause logged)", async () => {
    const logger = recordingLogger();
    const onClose = vi.fn();
    const app = other.hooks({ onClose })(async function* () {
      yield core.send("never");
    });
    const server = await start(app, { logger });
    expect(await refusal(`${server.url}/`)).toBe(500);
    const logged = logger.entries.find((entry) => entry.message === "handler threw");
    expect(String((logged?.context as { err?: unknown }).err)).toMatch(/another copy of @scallion\/core/);
    expect(onClose).not.toHaveBeenCalled();
  });

  it("stateless parts mix freely: events, extendScope, mapReceiver and CloseError of the other copy", async () => {
    const app = core.websocket(async function* (scope, receiver) {
      const extended = other.extendScope(scope, { tag: "x" });
      const upper = other.mapReceiver(receiver, (message: Message) => {
        if (message === "bad") throw new other.CloseError(4000, "bad");
        return String(message).toUpperCase();
      });
      for await (const message of upper) yield other.send(`${extended.tag} ${message} ${extended.signal.aborted}`);
    });
    const server = await start(app);
    const client = await openClient(`${server.url}/`);
    client.ws.send("hi");
    expect(await client.next()).toBe("x HI false");
    client.ws.send("bad");
    expect((await client.closed).code).toBe(4000);
  });

  it("merge() of the other copy ends with the connection and cancels its sources", async () => {
    const cancelled = vi.fn();
    async function* ticks(): AsyncGenerator<number> {
      try {
        for (let i = 0; ; i++) {
          await new Promise((resolve) => setTimeout(resolve, 5));
          yield i;
        }
      } finally {
        cancelled();
      }
    }
    const ended = vi.fn();
    const app = core.websocket(async function* (_scope, receiver) {
      for await (const { source } of other.merge(receiver, ticks())) if (source === 0) yield core.send("message");
      ended();
    });
    const server = await start(app);
    const client = await openClient(`${server.url}/`);
    client.ws.send("hi");
    expect(await client.next()).toBe("message");
    client.ws.close(1000);
    await vi.waitFor(() => expect(ended).toHaveBeenCalled());
    await vi.waitFor(() => expect(cancelled).toHaveBeenCalled());
  });

  it("a push-only handler declared with the other copy has its messages discarded and counted", async () => {
    const app = other.websocket(
      async function* (scope) {
        yield core.send("ready");
        await new Promise((resolve) => scope.signal.addEventListener("abort", resolve));
      },
      { receive: false },
    );
    const server = await start(core.hooks({})(app), { maxQueue: 2 });
    const client = await openClient(`${server.url}/`);
    expect(await client.next()).toBe("ready");
    for (let i = 0; i < 8; i++) client.ws.send(`m${i}`);
    await vi.waitFor(() => expect(server.stats().messagesDiscarded).toBe(8));
    expect(server.stats().queuedMessages).toBe(0);
    client.ws.close(1000);
    expect((await client.closed).code).toBe(1000);
  });
});
