/**
 * Server memory under abuse, against examples/echo in its own process:
 * - one client flooding 64 KiB messages for 5 s without reading a byte of the replies;
 * - 200 clients trickling handshake headers one byte at a time;
 * - 2,000 connections opened, then reset abruptly all at once.
 * Prints the server's RSS before, at peak and after each scenario.
 *
 *   pnpm --filter @scallion/bench abuse-memory
 */
import { connect } from "node:net";
import { fileURLToPath } from "node:url";
import { WebSocket } from "ws";
import { mib, sampler, sleep, startServer } from "./_process.js";

const echo = fileURLToPath(new URL("../examples/echo/src/main.ts", import.meta.url));

async function flood(port: number): Promise<string> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/echo`);
  await new Promise((resolve) => ws.on("open", resolve));
  ws.pause(); // never read the echoes
  const payload = Buffer.alloc(64 * 1024, 1);
  const end = Date.now() + 5_000;
  let sent = 0;
  while (Date.now() < end) {
    // Keep the client's own buffer small, so what grows (if anything) is the server.
    if (ws.bufferedAmount < 1024 * 1024) {
      ws.send(payload);
      sent++;
    } else await sleep(5);
  }
  ws.terminate();
  return `${sent} messages (${mib(sent * payload.length)}) offered`;
}

async function trickle(port: number): Promise<string> {
  const request =
    "GET /echo HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n" +
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nX-Pad: " +
    "a".repeat(4000);
  const started = Date.now();
  const closedAfter: number[] = [];
  const sockets = Array.from({ length: 200 }, () => {
    const socket = connect(port, "127.0.0.1");
    let i = 0;
    const timer = setInterval(() => socket.write(request[i++ % request.length] as string), 1_000);
    socket.on("error", () => {});
    socket.on("close", () => {
      clearInterval(timer);
      closedAfter.push(Date.now() - started);
    });
    return socket;
  });
  // Meanwhile a normal client must be served.
  const ws = new WebSocket(`ws://127.0.0.1:${port}/echo`);
  await new Promise((resolve) => ws.on("open", resolve));
  const rtt = Date.now();
  ws.send("hello");
  await new Promise((resolve) => ws.once("message", resolve));
  const served = Date.now() - rtt;
  ws.close();
  while (closedAfter.length < sockets.length && Date.now() - started < 20_000) await sleep(100);
  for (const s of sockets) s.destroy();
  const last = Math.max(...closedAfter);
  return `${closedAfter.length}/200 dropped by the server, the last after ${(last / 1000).toFixed(1)} s; a normal client meanwhile got its echo in ${served} ms`;
}

async function openAndReset(port: number): Promise<string> {
  const clients: WebSocket[] = [];
  for (let batch = 0; batch < 20; batch++) {
    const opened = Array.from({ length: 100 }, () => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/echo`);
      clients.push(ws);
      return new Promise((resolve) => {
        ws.on("open", resolve);
        ws.on("error", resolve);
      });
    });
    await Promise.all(opened);
  }
  for (const ws of clients) ws.terminate();
  await sleep(1_000);
  return `${clients.length} opened, then reset at once`;
}

const server = await startServer(echo);
console.log(`| scenario | RSS before | peak | after | notes |\n|---|---|---|---|---|`);
for (const [name, scenario] of [
  ["flood 64 KiB for 5 s, never reading", flood],
  ["200 clients trickling headers", trickle],
  ["2,000 connections opened and reset", openAndReset],
] as const) {
  global.gc?.();
  await sleep(500);
  const before = server.rss();
  const peak = sampler(() => server.rss());
  const notes = await scenario(server.port);
  await sleep(1_000);
  const top = peak.stop();
  console.log(`| ${name} | ${mib(before)} | ${mib(top)} (+${mib(top - before)}) | ${mib(server.rss())} | ${notes} |`);
}
await server.stop();
