/**
 * Heap per idle connection, server and clients in separate processes: raw ws or Scallion
 * (router only) serve idle clients (2,000, or `CONNECTIONS`); the server's heap after a full GC,
 * per connection, beside its RSS. `SETTLE` (milliseconds, default 500) is how long the server
 * idles before each reading: after about 10 s V8's memory reducer gives back the young
 * generation's pages, which a reading at 0.5 s still counts. A third argument looks closer:
 * - `snap` writes heap snapshots to the working directory, before the clients connect and once
 *   they have, to see what the bytes are (`heap-diff.ts` compares the two);
 * - `spaces` prints V8's heap spaces (the young generation grows with what survives, and its
 *   pages count in RSS though they hold nothing after the GC);
 * - `alloc` samples every allocation while the clients connect, garbage included, and prints
 *   the bytes per connection by allocating function and its caller.
 *
 * With `ROUTE=/room` the Scallion clients subscribe to a topic (raw ws has no topics: it serves both
 * routes alike).
 *
 *   [CONNECTIONS=5000] [SETTLE=15000] [ROUTE=/room] node --expose-gc --import tsx --conditions=@scallion/source heap-per-connection.ts ws|scallion [snap|spaces|alloc]
 */
import { spawn } from "node:child_process";
import { Session } from "node:inspector/promises";
import type { AddressInfo } from "node:net";
import { createRequire } from "node:module";
import v8 from "node:v8";
import { serve, send, subscribe } from "@scallion/core";
import { router } from "@scallion/middleware";
import { WebSocketServer } from "ws";

const N = Number(process.env.CONNECTIONS ?? 2000);
const route = process.env.ROUTE ?? "/echo";
const mode = process.argv[2] ?? "scallion";
const detail = process.argv[3];
let url: string;
let count: () => number;
if (mode === "ws") {
  const wss = new WebSocketServer({ port: 0, host: "127.0.0.1" });
  await new Promise((r) => wss.on("listening", r));
  wss.on("connection", (ws) => ws.on("message", (d, b) => ws.send(d, { binary: b })));
  url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`;
  count = () => wss.clients.size;
} else {
  const echo = router({
    "/echo": async function* (_scope, receiver) {
      for await (const message of receiver) yield send(message);
    },
    "/room": async function* (_scope, receiver) {
      yield subscribe("room");
      for await (const message of receiver) yield send(message);
    },
  });
  const server = await serve(echo, { port: 0, logger: false, maxConnectionsPerAddress: null });
  url = server.url;
  count = () => server.connections;
}
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error("run with node --expose-gc");
const settle = Number(process.env.SETTLE ?? 500);
if (settle > 500) await new Promise((r) => setTimeout(r, settle));
gc();
gc();
if (detail === "snap") console.log(v8.writeHeapSnapshot(`${mode}-before.heapsnapshot`));
const before = process.memoryUsage();
const session = detail === "alloc" ? await startSampling() : undefined;
// The clients live in a process of their own, so only the server's heap is measured. They ask as
// the benchmark's clients do (load/clients.ts): with a query string and the server's own origin.
const clients = `
const { WebSocket } = require(${JSON.stringify(createRequire(import.meta.url).resolve("ws"))});
const all = [];
(async () => {
  for (let i = 0; i < ${N}; i++) {
    const ws = new WebSocket(${JSON.stringify(`${url}${route}?token=bench`)}, { origin: ${JSON.stringify(url.replace("ws:", "http:"))} });
    all.push(ws);
    await new Promise((resolve) => ws.on("open", resolve));
  }
  console.log("open");
})();
setInterval(() => {}, 1000);
`;
const child = spawn(process.execPath, ["-e", clients], { stdio: ["ignore", "pipe", "inherit"] });
await new Promise((resolve) => child.stdout?.once("data", resolve));
while (count() < N) await new Promise((r) => setTimeout(r, 50));
await new Promise((r) => setTimeout(r, settle));
if (session !== undefined) await printAllocations(session);
gc();
gc();
const after = process.memoryUsage();
const per = (key: keyof NodeJS.MemoryUsage) => Math.round((after[key] - before[key]) / N);
console.log(`${mode}: heap ${per("heapUsed")} B/conn, RSS ${per("rss")} B/conn`);
if (detail === "spaces") {
  for (const space of v8.getHeapSpaceStatistics()) {
    if (space.space_size === 0) continue;
    const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`.padStart(9);
    console.log(`${space.space_name.padEnd(24)} used ${mb(space.space_used_size)}, resident ${mb(space.physical_space_size)}`);
  }
}
if (detail === "snap") console.log(v8.writeHeapSnapshot(`${mode}.heapsnapshot`));
child.kill();
process.exit(0);

interface ProfileNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: ProfileNode[];
}

/** V8's sampling heap profiler, told to keep what the GC collects too: all that is allocated. */
async function startSampling(): Promise<Session> {
  const inspector = new Session();
  inspector.connect();
  await inspector.post("HeapProfiler.enable");
  await inspector.post("HeapProfiler.startSampling", {
    samplingInterval: 256,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  } as never);
  return inspector;
}

async function printAllocations(inspector: Session): Promise<void> {
  const { profile } = (await inspector.post("HeapProfiler.stopSampling")) as { profile: { head: ProfileNode } };
  const bytes = new Map<string, number>();
  const where = ({ callFrame: f }: ProfileNode) =>
    `${f.functionName || "(anonymous)"} ${f.url.replace(/.*node_modules\//, "").replace(/.*\/(packages|bench)\//, "$1/")}:${f.lineNumber + 1}`;
  const walk = (node: ProfileNode, caller: string) => {
    const here = where(node);
    if (node.selfSize > 0) bytes.set(`${here} < ${caller}`, (bytes.get(`${here} < ${caller}`) ?? 0) + node.selfSize);
    for (const child of node.children) walk(child, here);
  };
  walk(profile.head, "");
  const total = [...bytes.values()].reduce((a, b) => a + b, 0);
  console.log(`allocated while connecting: ${Math.round(total / N)} B/conn (sampled), by function < caller:`);
  for (const [site, size] of [...bytes].sort((a, b) => b[1] - a[1]).slice(0, 30)) {
    console.log(`${String(Math.round(size / N)).padStart(6)}  ${site}`);
  }
}
