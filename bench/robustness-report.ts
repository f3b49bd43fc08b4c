/**
 * Regenerates docs/robustness.md: runs the abuse scenarios against examples/echo in its own
 * process, sampling its memory, and writes what the server did and the bounds measured.
 *
 *   pnpm --filter @scallion/bench robustness-report
 */
import { writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { connect } from "node:net";
import { fileURLToPath } from "node:url";
import { WebSocket } from "ws";
import { mib, sampler, sleep, startServer } from "./_process.js";

const echo = fileURLToPath(new URL("../examples/echo/src/main.ts", import.meta.url));
const output = fileURLToPath(new URL("../docs/robustness.md", import.meta.url));

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

async function churn(port: number): Promise<string> {
  const started = Date.now();
  let next = 0;
  const cycles = 20_000;
  await Promise.all(
    Array.from({ length: 64 }, async () => {
      while (next++ < cycles) {
        const ws = new WebSocket(`ws://127.0.0.1:${port}/echo`);
        await new Promise((resolve) => ws.on("open", resolve));
        ws.close(1000);
        await new Promise((resolve) => ws.on("close", resolve));
      }
    }),
  );
  return `${cycles} cycles in ${((Date.now() - started) / 1000).toFixed(1)} s, 64 at a time`;
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

const scenarios = [
  ["One client floods 64 KiB messages for 5 s and never reads the echoes", flood],
  ["200 clients trickle handshake headers, one byte a second", trickle],
  ["2,000 connections opened, then reset all at once", openAndReset],
  ["20,000 connect/close cycles", churn],
] as const;

const server = await startServer(echo);
const rows: string[] = [];
for (const [name, scenario] of scenarios) {
  await sleep(500);
  const before = server.rss();
  const peak = sampler(() => server.rss());
  const notes = await scenario(server.port);
  await sleep(1_000);
  const top = peak.stop();
  const row = `| ${name} | ${mib(before)} | ${mib(top)} (+${mib(top - before)}) | ${mib(server.rss())} | ${notes} |`;
  console.log(row);
  rows.push(row);
}
await server.stop();

const doc = `# Robustness

What a Scallion server does when clients misbehave, and the bounds measured. The cases marked
*test* are asserted by the suite in \`packages/core/test/robustness-*.test.ts\` (and
\`handshake-limits.test.ts\`, \`backpressure.test.ts\`) on every run; the memory figures
below are measured against \`examples/echo\` in its own process, with its default options, by
\`pnpm --filter @scallion/bench robustness-report\`, which rewrites this page.

## What the server does

| case | the server | where |
|---|---|---|
| No \`Sec-WebSocket-Key\`, bad \`Upgrade\` header | 400, no handler runs | test |
| Wrong \`Sec-WebSocket-Version\` | 426 with \`Sec-WebSocket-Version: 13, 8\` | test |
| Not GET | 405 | test |
| More than 100 headers (e.g. 2,000) | 431 | test |
| A 64 KiB header value (over 16 KiB of headers) | 431 | test |
| Headers trickled slowly, on \`serve()\`, \`attach()\` (node:http, Express) or \`upgradeHandler()\` (Fastify) | 408 and closed \`headersTimeout\` (10 s) after the TCP connection; others served | test, measured below |
| One address opening sockets without a request (2,019 against examples/chat) | sockets past 256 per address answered 429 at once, the rest closed at 10 s; another address served throughout | test |
| Over 256 WebSocket connections from one address (the forwarded one under \`trustProxy\`) | 429 before any upgrade | test |
| Nothing decides the handshake (\`onConnect\` never resolves) | 503 after \`handshakeTimeout\` (10 s) | test |
| Unmasked frame, reserved opcode, RSV bits, control frame over 125 bytes or fragmented, stray continuation | close 1002, after the replies to the messages received before it (Autobahn 3.2, 3.3, 4.1.3, 4.1.4, 4.2.3, 4.2.4, 5.15); nothing after it is read | test |
| Invalid UTF-8 in a text message or a close reason | close 1007 | test |
| Close codes 999, 1005, 1006, 5000; a one-byte close payload | close 1002 | test |
| A frame declaring 2^63−1 bytes; a message (or fragments) over \`maxPayload\` (1 MiB) | close 1009 before buffering it | test |
| A compressed message inflating past \`maxPayload\` (with \`perMessageDeflate\`) | close 1009 | test |
| A client that stops reading | its handler waits at the 64 KiB high-water mark; buffer bounded | test |
| A client flooding a slow handler | reading paused at \`maxQueue\` (32) messages or \`maxQueueBytes\` (2 MiB) | test, measured below |
| A client's protocol errors, bad JSON, schema violations, rate limits | counted in \`stats().clientFaults\`, logged at debug at most; any log at most 50 lines per 10 s, then one line saying how many were dropped | test |
| A subscriber that stops reading while the server publishes | closed with 1013 at 512 KiB buffered (or skipped, by option); 1,000 of them dropped while a normal client is served | test |
| A peer that vanishes without a FIN | dropped by the heartbeat within \`pingInterval\` + \`pingTimeout\` (40 s by default) | test |
| A handler that throws | its connection closes with 1011, logged once; nothing else | test |
| An \`onClose\` hook that throws | logged; other hooks and connections unaffected | test |
| A generator that ignores shutdown | \`server.close({ timeout })\` still completes in time | test |
| Graceful shutdown under load | reading stops; every message received is answered, and everything sent arrives, in order, before 1001 (within half of \`closeTimeout\`) | test |
| SIGTERM to the process group of \`pnpm start\`, repeated | one graceful shutdown (\`closeOnSignal\`); a signal over 1 s later exits at once | test |
| 2,000 resets at once; 20,000 connect/close cycles | no connections, subscriptions or timers left | test, measured below |

## Memory under abuse (examples/echo, defaults)

| scenario | RSS before | peak | after | notes |
|---|---|---|---|---|
${rows.join("\n")}

RSS rarely shrinks once V8 has grown its heap, so "after" says little about leaks; the suite's
own counts (connections, subscriptions, timers back to zero) do. Measured on ${new Date().toISOString().slice(0, 10)},
${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, Node ${process.version}.
`;
writeFileSync(output, doc);
console.log(`wrote ${output}`);
