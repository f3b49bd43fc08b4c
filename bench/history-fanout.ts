/**
 * Fan-out, local latency and replay, with and without history, in memory and through Redis
 * (issue 18's Performance section). Figures on a shared machine are noisy: compare within a run.
 * The subscribers run in this process, so a local subscriber's latency includes whatever else the
 * same tick does after the frame was written (with Redis: issuing the Redis command).
 *
 *   pnpm --filter @scallion/bench history-fanout
 */
import type { Handler, PubSub, Server } from "@scallion/core";
import { MemoryPubSub, send, serve, subscribe } from "@scallion/core";
import { createRedisPubSub } from "@scallion/redis";
import { startRedis } from "@scallion/redis/testing";
import { WebSocket } from "ws";

const SUBSCRIBERS = 1_000;
const MESSAGES = 100;

/** Subscribes to "t", resuming after `?epoch=&offset=`. */
const app: Handler = async function* (scope, receiver) {
  const { epoch, offset } = scope.query;
  yield subscribe("t", { since: epoch === undefined ? undefined : { epoch, offset: Number(offset) } });
  yield send("ready");
  for await (const _ of receiver);
};

async function open(server: Server, query = "", onMessage: (text: string) => void = () => {}): Promise<WebSocket> {
  const ws = new WebSocket(`${server.url}/${query}`);
  await new Promise<void>((resolve) =>
    ws.on("message", (data: Buffer) => {
      const text = data.toString();
      if (text === "ready") resolve();
      else onMessage(text);
    }),
  );
  return ws;
}

const start = (pubsub: PubSub): Promise<Server> =>
  serve(app, { port: 0, logger: false, pubsub, maxConnectionsPerAddress: null, pingInterval: null });

/** Ms for MESSAGES published on `from` to reach SUBSCRIBERS subscribers on `to`. */
async function fanOut(from: Server, to: Server): Promise<number> {
  let received = 0;
  let done: () => void = () => {};
  const all = new Promise<void>((resolve) => (done = resolve));
  const clients = [];
  for (let i = 0; i < SUBSCRIBERS; i += 50) {
    clients.push(...(await Promise.all(Array.from({ length: 50 }, () => open(to, "", () => ++received === SUBSCRIBERS * MESSAGES && done())))));
  }
  const started = performance.now();
  for (let i = 0; i < MESSAGES; i++) void from.publish("t", `message ${i} ${"x".repeat(64)}`);
  await all;
  const ms = performance.now() - started;
  for (const ws of clients) ws.terminate();
  return ms;
}

/** Microseconds from server.publish to a local subscriber's socket, sequentially: [p50, p99]. */
async function latency(server: Server): Promise<[number, number]> {
  let arrived: () => void = () => {};
  const ws = await open(server, "", () => arrived());
  const samples: number[] = [];
  for (let i = 0; i < 2_200; i++) {
    const got = new Promise<void>((resolve) => (arrived = resolve));
    const started = process.hrtime.bigint();
    void server.publish("t", `round ${i}`);
    await got;
    if (i >= 200) samples.push(Number(process.hrtime.bigint() - started) / 1e3);
  }
  ws.terminate();
  samples.sort((a, b) => a - b);
  return [samples[Math.floor(samples.length / 2)] ?? 0, samples[Math.floor(samples.length * 0.99)] ?? 0];
}

/** Ms for a client that missed 1,000 messages to have them all, from its reconnect. */
async function replay(server: Server, other: Server): Promise<number> {
  let position: { epoch: string; offset: number } | undefined;
  const first = await open(server, "", (text) => {
    const frame = JSON.parse(text) as { epoch: string; offset: number };
    position = { epoch: frame.epoch, offset: frame.offset };
  });
  await new Promise((resolve) => setTimeout(resolve, 50));
  first.terminate();
  for (let i = 0; i < 1_000; i++) await server.publish("t", `missed ${i}`);
  const p = position as { epoch: string; offset: number };
  let got = 0;
  let done: () => void = () => {};
  const all = new Promise<void>((resolve) => (done = resolve));
  const started = performance.now();
  const ws = await open(other, `?epoch=${p.epoch}&offset=${p.offset}`, (text) => {
    if (text.includes('"kind":"message"') && ++got === 1_000) done();
  });
  await all;
  const ms = performance.now() - started;
  ws.terminate();
  return ms;
}

const redis = await startRedis();
const rows: string[] = [];
try {
  for (const history of [false, true]) {
    const config = history ? { history: { t: { size: 2_000, ttl: 600_000 } } } : {};
    const memory = new MemoryPubSub(config);
    const [m1, m2] = [await start(memory), await start(memory)];
    const r = [await createRedisPubSub({ url: redis.url, logger: false, prefix: `bench-${history}:`, ...config })];
    r.push(await createRedisPubSub({ url: redis.url, logger: false, prefix: `bench-${history}:`, ...config }));
    const [r1, r2] = [await start(r[0] as PubSub), await start(r[1] as PubSub)];
    const label = history ? "with history" : "without history";
    rows.push(`| fan-out, ${SUBSCRIBERS} subscribers × ${MESSAGES} messages, ${label}, in memory | ${(await fanOut(m1, m1)).toFixed(0)} ms |`);
    rows.push(`| fan-out, ${SUBSCRIBERS} subscribers × ${MESSAGES} messages, ${label}, through Redis to the other node | ${(await fanOut(r1, r2)).toFixed(0)} ms |`);
    for (const [name, server] of [["in memory", m1], ["Redis engine", r1]] as const) {
      const [p50, p99] = await latency(server);
      rows.push(`| latency to a local subscriber, ${label}, ${name} | p50 ${p50.toFixed(0)} µs, p99 ${p99.toFixed(0)} µs |`);
    }
    if (history) {
      rows.push(`| replay of 1,000 missed messages, in memory (other node) | ${(await replay(m1, m2)).toFixed(0)} ms |`);
      rows.push(`| replay of 1,000 missed messages, Redis Streams (other node) | ${(await replay(r1, r2)).toFixed(0)} ms |`);
    }
    await Promise.all([m1, m2, r1, r2].map((s) => s.close({ timeout: 500 })));
    await Promise.all(r.map((p) => p.close()));
  }
  console.log(`| measure | result |\n|---|---|\n${rows.join("\n")}`);
} finally {
  await redis.stop();
}
