/**
 * Heap per idle connection, server and clients in separate processes: raw ws or Scallion
 * (router only) serve 2,000 idle clients; the server's heap after a full GC, per connection.
 * `snap` also writes a heap snapshot to the working directory, to see what the bytes are.
 *
 *   node --expose-gc --import tsx heap-per-connection.ts ws|scallion [snap]
 */
import { spawn } from "node:child_process";
import type { AddressInfo } from "node:net";
import { createRequire } from "node:module";
import v8 from "node:v8";
import { serve, send } from "@scallion/core";
import { router } from "@scallion/middleware";
import { WebSocketServer } from "ws";

const N = Number(process.env.CONNECTIONS ?? 2000);
const mode = process.argv[2] ?? "scallion";
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
  });
  const server = await serve(echo, { port: 0, logger: false });
  url = server.url;
  count = () => server.connections;
}
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error("run with node --expose-gc");
gc(); gc();
const before = process.memoryUsage();
// The clients live in a process of their own, so only the server's heap is measured.
const clients = `
const { WebSocket } = require(${JSON.stringify(createRequire(import.meta.url).resolve("ws"))});
const all = [];
(async () => {
  for (let i = 0; i < ${N}; i++) {
    const ws = new WebSocket(${JSON.stringify(`${url}/echo`)});
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
await new Promise((r) => setTimeout(r, 500));
gc(); gc();
const after = process.memoryUsage();
const per = (key: keyof NodeJS.MemoryUsage) => Math.round((after[key] - before[key]) / N);
console.log(mode, "heap bytes/conn", per("heapUsed"), "rss bytes/conn", per("rss"), "heapTotal", per("heapTotal"), "external", per("external"));
if (process.argv[3] === "spaces") {
  for (const space of v8.getHeapSpaceStatistics()) {
    console.log(space.space_name.padEnd(28), "size", String(space.space_size).padStart(10), "used", String(space.space_used_size).padStart(10), "physical", String(space.physical_space_size).padStart(10));
  }
}
if (process.argv[3] === "snap") {
  const file = v8.writeHeapSnapshot(`${mode}.heapsnapshot`);
  console.log(file);
}
child.kill();
process.exit(0);
