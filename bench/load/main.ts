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
import type { Plan, Scenario } from "./plan.js";
import { SCENARIOS } from "./plan.js";
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

const measure: Record<Scenario, () => Promise<void>> = {
  async memory() {
    const result = await memory(kind, port, server, plan.memory);
    if (result.settledBytesPerConnection !== undefined) metrics["memory B/conn, settled"] = result.settledBytesPerConnection;
    metrics["memory B/conn"] = result.bytesPerConnection;
  },
  async handshakes() {
    // The raw client speaks plain WebSocket: Socket.IO's handshake is more than that.
    if (kind !== "ws") return;
    const result = await handshakes(kind, port, server, plan.handshakes, "raw");
    metrics["handshakes/s"] = result.handshakesPerSecond;
    metrics["handshake CPU µs"] = result.cpuUsPerHandshake;
    metrics["raw client CPU µs/handshake"] = result.clientCpuUsPerHandshake;
  },
  async "client-handshakes"() {
    const result = await handshakes(kind, port, server, plan.handshakes, "client");
    metrics["ws-client handshakes/s"] = result.handshakesPerSecond;
    metrics["ws-client handshake CPU µs"] = result.cpuUsPerHandshake;
  },
  async echo() {
    const result = await echo(kind, port, server, plan.echo);
    metrics["echo msg/s"] = result.messagesPerSecond;
    metrics["echo p50 ms"] = result.p50Ms;
    metrics["echo p99 ms"] = result.p99Ms;
    metrics["echo CPU µs/msg"] = result.cpuUsPerMessage;
    metrics["echo server cores"] = result.serverCores;
    metrics["echo load cores"] = result.loadCores;
  },
  async pipelined() {
    const result = await echo(kind, port, server, plan.pipelined);
    metrics["pipelined msg/s"] = result.messagesPerSecond;
    metrics["pipelined CPU µs/msg"] = result.cpuUsPerMessage;
    metrics["pipelined server cores"] = result.serverCores;
    metrics["pipelined load cores"] = result.loadCores;
  },
  async fanout() {
    for (const options of plan.fanouts) {
      const result = await fanout(kind, port, server, options);
      const name = `fan-out ${options.subscribers}`;
      metrics[`${name} median ms`] = result.medianMs;
      metrics[`${name} p99 ms`] = result.p99Ms;
      metrics[`${name} CPU µs/delivery`] = result.cpuUsPerDelivery;
    }
  },
};

// In SCENARIOS order: memory first, while the server has seen nothing else.
for (const scenario of SCENARIOS) if (plan.scenarios.includes(scenario)) await measure[scenario]();

console.log(JSON.stringify(metrics));
// Socket.IO's client keeps timers of closed managers: leave without waiting for them.
process.exit(0);
