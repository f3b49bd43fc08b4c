import { describe, expect, it, vi } from "vitest";
import type { CloseInfo, Outcome } from "../src/index.js";
import { accept, send, websocket } from "../src/index.js";
import type { TestClient } from "./_client.js";
import { openClient } from "./_client.js";
import { start } from "./_server.js";

const KiB = 1024;

/**
 * Waits until the client's own send buffer stays backed up: the server stopped reading. Had it
 * kept reading, the buffer would drain to zero.
 */
async function backedUp(client: TestClient): Promise<void> {
  let previous = -1;
  await vi.waitFor(
    () => {
      const now = client.ws.bufferedAmount;
      const stable = now === previous;
      previous = now;
      expect(stable && now > 0).toBe(true);
    },
    { timeout: 10_000, interval: 100 },
  );
}

describe("backpressure", () => {
  it("pauses a handler whose client stops reading, with the server's buffer bounded", async () => {
    const highWaterMark = 256 * KiB;
    const chunk = Buffer.alloc(64 * KiB, 7);
    let yielded = 0;
    let completed = 0;
    const server = await start(
      async function* (scope) {
        while (!scope.signal.aborted) {
          yielded++;
          const outcome: Outcome = yield send(chunk);
          if (outcome !== "sent") return;
          completed++;
        }
      },
      { highWaterMark },
    );
    const client = await openClient(`${server.url}/`);
    client.ws.pause();
    // The kernel's socket buffers fill first; then the handler must stop at the mark.
    await vi.waitFor(() => {
      expect(server.stats().bufferedBytes).toBeGreaterThan(highWaterMark);
      expect(yielded).toBe(completed + 1);
    }, { timeout: 10_000 });
    const stalledAt = completed;
    expect(server.stats().bufferedBytes).toBeLessThanOrEqual(highWaterMark + chunk.length);
    client.ws.resume();
    await vi.waitFor(() => expect(completed).toBeGreaterThan(stalledAt + 100), { timeout: 10_000 });
    client.ws.terminate();
  });

  it("stops reading a client that floods a slow handler, and loses nothing", async () => {
    const maxQueue = 8;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const received: number[] = [];
    const server = await start(
      async function* (_scope, receiver) {
        for await (const message of receiver) {
          await gate;
          received.push((message as Uint8Array).length);
        }
        yield send("unreachable");
      },
      { maxQueue },
    );
    const client = await openClient(`${server.url}/`);
    const count = 300;
    for (let i = 0; i < count; i++) client.ws.send(Buffer.alloc(64 * KiB, i % 256));
    // The server stops reading: the client's own buffer backs up (and stays backed up) instead of
    // the server's memory growing. Had the server kept reading, it would drain to zero.
    await backedUp(client);
    expect(server.stats().queuedMessages).toBeLessThanOrEqual(maxQueue);
    expect(server.stats().messagesIn).toBeLessThan(count / 2);
    release();
    await vi.waitFor(() => expect(received).toHaveLength(count), { timeout: 20_000 });
    client.ws.close();
  });

  it("bounds what a connection holds inbound in bytes too: large messages pause the socket after a few", async () => {
    const maxPayload = 256 * KiB;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const received: number[] = [];
    const server = await start(
      async function* (_scope, receiver) {
        yield accept();
        await gate;
        for await (const message of receiver) received.push((message as Uint8Array)[0] as number);
      },
      { maxPayload },
    );
    const client = await openClient(`${server.url}/`);
    const count = 40;
    for (let i = 0; i < count; i++) client.ws.send(Buffer.alloc(maxPayload, i));
    await backedUp(client);
    // The default budget is twice maxPayload; the message that crosses it is the one more.
    const { queuedBytes, queuedMessages } = server.stats();
    expect(queuedBytes).toBeLessThanOrEqual(3 * maxPayload);
    expect(queuedMessages).toBeLessThanOrEqual(3);
    release();
    await vi.waitFor(() => expect(received).toHaveLength(count), { timeout: 20_000 });
    expect(received).toEqual(Array.from({ length: count }, (_, i) => i));
    client.ws.close();
  });

  it("discards and counts what a push-only handler's client sends", async () => {
    const server = await start(
      websocket(
        async function* (scope) {
          yield send("ready");
          await new Promise((resolve) => scope.signal.addEventListener("abort", resolve));
        },
        { receive: false },
      ),
      { maxQueue: 2 },
    );
    const client = await openClient(`${server.url}/`);
    expect(await client.next()).toBe("ready");
    for (let i = 0; i < 50; i++) client.ws.send(`ignored ${i}`);
    await vi.waitFor(() => expect(server.stats().messagesDiscarded).toBe(50));
    expect(server.stats().queuedMessages).toBe(0);
  });
});

describe("limits", () => {
  it("closes a connection whose message exceeds maxPayload with 1009, and only that one", async () => {
    const closes: CloseInfo[] = [];
    const server = await start(
      websocket(async function* (_scope, receiver) {
        for await (const message of receiver) yield send(message);
      }, { onClose: (_s, info) => void closes.push(info) }),
      { maxPayload: 1024 },
    );
    const [big, small] = await Promise.all([openClient(`${server.url}/`), openClient(`${server.url}/`)]);
    big.ws.send(Buffer.alloc(1025));
    expect((await big.closed).code).toBe(1009);
    small.ws.send(Buffer.alloc(1024, 1));
    expect(((await small.next()) as Buffer).length).toBe(1024);
    await vi.waitFor(() => expect(closes).toHaveLength(1));
    expect(closes[0]).toMatchObject({ code: 1009, cause: "error" });
  });

  it("with perMessageDeflate, round-trips compressed messages and refuses one that inflates past maxPayload", async () => {
    const server = await start(
      async function* (_scope, receiver) {
        for await (const message of receiver) yield send(message);
      },
      { perMessageDeflate: true, maxPayload: 64 * KiB },
    );
    const client = await openClient(`${server.url}/`, { perMessageDeflate: true });
    expect(client.ws.extensions).toContain("permessage-deflate");
    const text = "scallion ".repeat(4000);
    client.ws.send(text);
    expect(await client.next()).toBe(text);
    // A megabyte of zeros compresses to about a kilobyte on the wire.
    client.ws.send(Buffer.alloc(1024 * KiB));
    expect((await client.closed).code).toBe(1009);
  });
});

describe("heartbeat", () => {
  it("drops a peer that stops answering pings, with cause heartbeat", async () => {
    const closes: CloseInfo[] = [];
    const server = await start(
      websocket(async function* (_scope, receiver) {
        for await (const _ of receiver);
      }, { onClose: (_s, info) => void closes.push(info) }),
      { pingInterval: 40, pingTimeout: 40 },
    );
    const silent = await openClient(`${server.url}/`, { autoPong: false });
    const alive = await openClient(`${server.url}/`);
    let pings = 0;
    alive.ws.on("ping", () => pings++);
    expect((await silent.closed).code).toBe(1006);
    await vi.waitFor(() => expect(closes).toEqual([{ code: 1006, reason: "", cause: "heartbeat" }]));
    await vi.waitFor(() => expect(pings).toBeGreaterThanOrEqual(3));
    expect(server.connections).toBe(1);
  });

  it("sends no pings when pingInterval is null", async () => {
    const server = await start(async function* (_scope, receiver) {
      for await (const message of receiver) yield send(message);
    }, { pingInterval: null });
    const client = await openClient(`${server.url}/`);
    let pings = 0;
    client.ws.on("ping", () => pings++);
    for (let i = 0; i < 5; i++) {
      client.ws.send(`${i}`);
      expect(await client.next()).toBe(`${i}`);
    }
    expect(pings).toBe(0);
  });
});
