/**
 * The load generator, in a process of its own: runs every scenario of a plan against one server
 * and prints the metrics as one JSON line on stdout.
 *
 *   node --import tsx load/main.ts '{"kind":"ws","port":8080,"pid":1234,"plan":…}'
 */
import type { ClientKind } from "./clients.js";
import { echo } from "./echo.js";
import { fanout } from "./fanout.js";
import { handshakes } from "./handshakes.js";
import { memory } from "./memory.js";
import type { Plan } from "./plan.js";
import { probe } from "./probe.js";

/** One value per metric name, e.g. `"echo msg/s"`. */
export type Metrics = Record<string, number>;

export interface LoadRequest {
  kind: ClientKind;
  port: number;
  pid: number;
  plan: Plan;
}

const { kind, port, pid, plan } = JSON.parse(process.argv[2] ?? "") as LoadRequest;
const server = probe(pid);
const metrics: Metrics = {};

// Memory first, while the server has seen nothing else.
metrics["memory B/conn"] = (await memory(kind, port, server, plan.idleConnections)).bytesPerConnection;

const hs = await handshakes(kind, port, server, plan.handshakes);
metrics["handshakes/s"] = hs.handshakesPerSecond;
metrics["handshake CPU µs"] = hs.cpuUsPerHandshake;

const closed = await echo(kind, port, server, plan.echo);
metrics["echo msg/s"] = closed.messagesPerSecond;
metrics["echo p50 ms"] = closed.p50Ms;
metrics["echo p99 ms"] = closed.p99Ms;
metrics["echo CPU µs/msg"] = closed.cpuUsPerMessage;

const pipelined = await echo(kind, port, server, plan.pipelined);
metrics["pipelined msg/s"] = pipelined.messagesPerSecond;
metrics["pipelined CPU µs/msg"] = pipelined.cpuUsPerMessage;

for (const options of plan.fanouts) {
  const result = await fanout(kind, port, server, options);
  const name = `fan-out ${options.subscribers}`;
  metrics[`${name} median ms`] = result.medianMs;
  metrics[`${name} p99 ms`] = result.p99Ms;
  metrics[`${name} CPU µs/delivery`] = result.cpuUsPerDelivery;
}

console.log(JSON.stringify(metrics));
// Socket.IO's client keeps timers of closed managers: leave without waiting for them.
process.exit(0);
