import type { ClientKind } from "./clients.js";
import { closeAll, openMany } from "./clients.js";
import { payload } from "./payload.js";
import type { Probe } from "./probe.js";
import { sleep } from "../_process.js";
import { now, percentile } from "./stats.js";
import { measureWindow } from "./window.js";

export interface EchoOptions {
  connections: number;
  /** Messages in flight per connection: 1 is a closed loop, more is pipelining. */
  inFlight: number;
  warmupMs: number;
  windowMs: number;
}

export interface EchoResult {
  messagesPerSecond: number;
  /** Round trip of a message, from send to its echo, in milliseconds. */
  p50Ms: number;
  p99Ms: number;
  /** Server CPU time per echoed message, in microseconds. */
  cpuUsPerMessage: number;
  /** CPU the server and the load generator used over the window, in cores (1: one core all the time). */
  serverCores: number;
  loadCores: number;
}

/**
 * Every connection keeps `inFlight` messages on the way and sends a new one as each echo comes
 * back. Echoes are counted and timed only within the window that follows the warm-up.
 */
export async function echo(kind: ClientKind, port: number, server: Probe, options: EchoOptions): Promise<EchoResult> {
  const connections = await openMany(kind, port, "/echo", options.connections);
  const message = payload();
  const rtts: number[] = [];
  const gate = { measuring: false };
  let running = true;
  let count = 0;
  for (const connection of connections) {
    // Echoes come back in order, so the oldest send time is the one this echo answers.
    const sentAt: number[] = [];
    let head = 0;
    connection.onMessage(() => {
      const t = now();
      if (gate.measuring) {
        rtts.push(t - (sentAt[head] as number));
        count++;
      }
      head++;
      if (head > 1024) {
        sentAt.splice(0, head);
        head = 0;
      }
      if (running) {
        sentAt.push(now());
        connection.send(message);
      }
    });
    for (let i = 0; i < options.inFlight; i++) {
      sentAt.push(now());
      connection.send(message);
    }
  }
  const { elapsedMs: elapsed, cpuSeconds: cpu, loadCpuSeconds } = await measureWindow(server, options, gate);
  running = false;
  await sleep(100);
  await closeAll(connections);
  return {
    messagesPerSecond: (count * 1000) / elapsed,
    p50Ms: percentile(rtts, 0.5),
    p99Ms: percentile(rtts, 0.99),
    cpuUsPerMessage: (cpu * 1e6) / count,
    serverCores: (cpu * 1000) / elapsed,
    loadCores: (loadCpuSeconds * 1000) / elapsed,
  };
}
