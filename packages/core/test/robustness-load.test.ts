import { describe, expect, it, vi } from "vitest";
import type { CloseInfo, Handler } from "../src/index.js";
import { MemoryPubSub, send, serve, subscribe, websocket } from "../src/index.js";
import { openClient } from "./_client.js";
import { frame, closePayload, openRaw } from "./_raw.js";
import { start } from "./_server.js";

const timers = () => process.getActiveResourcesInfo().filter((r) => r === "Timeout").length;

/** Runs `tasks` with at most `width` in flight. */
async function pool<T>(count: number, width: number, task: (i: number) => Promise<T>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < count) await task(next++);
    }),
  );
}

describe("slow and dead peers", () => {
  it("drops 1,000 subscribers that stop reading while publishing, and serves a normal client meanwhile", async () => {
    const closes: CloseInfo[] = [];
    const server = await start(
      websocket(async function* (_scope, receiver) {
        yield subscribe("news");
        for await (const message of receiver) yield send(message);
      }, { onClose: (_s, info) => void closes.push(info) }),
      // Every client comes from 127.0.0.1: the per-address cap is not what this test is about.
      { subscriberBufferLimit: 16 * 1024, closeTimeout: 300, maxConnectionsPerAddress: null },
    );
    const port = Number(server.address.port);
    const stalled = await Promise.all(Array.from({ length: 1000 }, () => openRaw(port)));
    for (const raw of stalled) raw.socket.pause();
    const normal = await openClient(`${server.url}/`);
    await vi.waitFor(() => expect(server.stats().subscriptions).toBe(2 * 1001));
    const chunk = "z".repeat(8 * 1024);
    const started = Date.now();
    for (let i = 0; i < 400 && closes.length < 1000; i++) {
      await server.publish("news", chunk);
      if (i % 10 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    normal.ws.send("are you there?");
    expect(await normal.next()).toMatch(/z+|are you there\?/);
    await vi.waitFor(() => expect(closes.filter((c) => c.cause === "backpressure")).toHaveLength(1000), {
      timeout: 20_000,
    });
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(server.connections).toBe(1);
    expect(server.stats().bufferedBytes).toBeLessThan(64 * 1024 * 1024);
    for (const raw of stalled) raw.socket.destroy();
  });

  it("drops peers that vanish without a FIN within pingInterval + pingTimeout", async () => {
    const closes: CloseInfo[] = [];
    const server = await start(
      websocket(async function* (_scope, receiver) {
        for await (const _ of receiver);
      }, { onClose: (_s, info) => void closes.push(info) }),
      { pingInterval: 100, pingTimeout: 100 },
    );
    const ghosts = await Promise.all(Array.from({ length: 20 }, () => openRaw(Number(server.address.port))));
    for (const ghost of ghosts) ghost.socket.pause(); // never reads, never answers a ping
    const started = Date.now();
    await vi.waitFor(() => expect(closes).toHaveLength(20), { timeout: 5_000 });
    expect(Date.now() - started).toBeLessThan(100 + 100 + 200);
    for (const info of closes) expect(info).toMatchObject({ cause: "heartbeat", code: 1006 });
    for (const ghost of ghosts) ghost.socket.destroy();
  });
});

describe("floods and churn leave nothing behind", () => {
  it("2,000 connections opened and reset at once", async () => {
    const pubsub = new MemoryPubSub();
    const server = await start(
      async function* (_scope, receiver) {
        yield subscribe("everyone");
        for await (const message of receiver) yield send(message);
      },
      { pubsub, maxConnectionsPerAddress: null },
    );
    const before = timers();
    const raws = await Promise.all(Array.from({ length: 2000 }, () => openRaw(Number(server.address.port))));
    await vi.waitFor(() => expect(server.stats().subscriptions).toBe(4000));
    for (const raw of raws) raw.socket.resetAndDestroy();
    await vi.waitFor(() => expect(server.connections).toBe(0), { timeout: 10_000 });
    const stats = server.stats();
    expect(stats).toMatchObject({ connections: 0, handshakes: 0, subscriptions: 0, queuedMessages: 0, bufferedBytes: 0 });
    expect(stats.closes.client).toBe(2000);
    expect(pubsub.topics).toBe(0);
    expect(timers()).toBeLessThanOrEqual(before);
  });

  it("20,000 connect/close cycles", { timeout: 60_000 }, async () => {
    const pubsub = new MemoryPubSub();
    const server = await serve(
      async function* (_scope, receiver) {
        yield subscribe("churn");
        for await (const message of receiver) yield send(message);
      },
      { port: 0, logger: false, pubsub },
    );
    const before = timers();
    const port = Number(server.address.port);
    await pool(20_000, 64, async () => {
      const raw = await openRaw(port);
      raw.write(frame({ opcode: 8, payload: closePayload(1000) }));
      await raw.ended;
    });
    await vi.waitFor(() => expect(server.connections).toBe(0));
    const stats = server.stats();
    expect(stats).toMatchObject({ connections: 0, handshakes: 0, subscriptions: 0 });
    expect(stats.closes.client).toBe(20_000);
    expect(pubsub.topics).toBe(0);
    expect(timers()).toBeLessThanOrEqual(before);
    await server.close();
  });
});

describe("handler faults stay with their connection", () => {
  it("an onConnect that never resolves is abandoned with 503; others are served", async () => {
    const server = await start(
      websocket(async function* (_scope, receiver) {
        for await (const message of receiver) yield send(message);
      }, { onConnect: (scope) => (scope.path === "/hang" ? new Promise(() => {}) : undefined) }),
      { handshakeTimeout: 150 },
    );
    const hung = openClient(`${server.url}/hang`);
    const fine = await openClient(`${server.url}/`);
    fine.ws.send("fine");
    expect(await fine.next()).toBe("fine");
    await expect(hung).rejects.toMatchObject({ status: 503 });
  });

  it("shutdown completes within its timeout despite a generator that ignores it", async () => {
    const server = await serve(
      async function* () {
        for (;;) {
          await new Promise((resolve) => setTimeout(resolve, 5));
          // ignores the signal, the receiver and every outcome
          yield send("tick");
        }
      },
      { port: 0, logger: false },
    );
    const client = await openClient(`${server.url}/`);
    await client.next();
    const started = Date.now();
    await server.close({ timeout: 300 });
    expect(Date.now() - started).toBeLessThan(1_000);
    expect((await client.closed).code).toBe(1001);
  });

  it("a crashing handler closes only its own connection with 1011", async () => {
    const handler: Handler = async function* (scope, receiver) {
      for await (const message of receiver) {
        if (message === "crash") throw new Error(`crash in ${scope.id}`);
        yield send(message);
      }
    };
    const server = await start(handler);
    const [a, b] = await Promise.all([openClient(`${server.url}/`), openClient(`${server.url}/`)]);
    a.ws.send("crash");
    expect((await a.closed).code).toBe(1011);
    b.ws.send("unaffected");
    expect(await b.next()).toBe("unaffected");
  });
});

describe("nothing lost", () => {
  it("every message a handler was told was sent before a graceful close reaches its reading client, in order", async () => {
    const yielded = new Map<string, number>();
    let sent = 0;
    let halfway!: () => void;
    const reachedHalfway = new Promise<void>((resolve) => (halfway = resolve));
    const server = await serve(
      async function* (scope, receiver) {
        yielded.set(scope.id, 0);
        for await (const message of receiver) {
          for (let i = 0; i < 20; i++) {
            if ((yield send(`${message as string}:${i}`)) !== "sent") return;
            yielded.set(scope.id, (yielded.get(scope.id) ?? 0) + 1);
            if (++sent === 5_000) halfway();
          }
        }
      },
      // A small high-water mark keeps handlers waiting on the socket when the close comes.
      { port: 0, logger: false, highWaterMark: 1024 },
    );
    const clients = await Promise.all(Array.from({ length: 50 }, () => openClient(`${server.url}/`)));
    const received = clients.map(() => [] as string[]);
    clients.forEach((c, n) => {
      c.ws.on("message", (data: Buffer) => received[n]?.push(data.toString()));
      for (let m = 0; m < 50; m++) c.ws.send(`m${m}`);
    });
    await reachedHalfway;
    await server.close({ timeout: 5_000 });
    await Promise.all(clients.map((c) => c.closed));
    const total = received.reduce((sum, r) => sum + r.length, 0);
    expect(total).toBe([...yielded.values()].reduce((a, b) => a + b, 0));
    expect(total).toBeLessThan(50 * 50 * 20); // the close came while handlers were still sending
    for (const messages of received) {
      const expected = messages.map((_, k) => `m${Math.floor(k / 20)}:${k % 20}`);
      expect(messages).toEqual(expected);
    }
  });
});
