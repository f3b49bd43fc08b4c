import type { ClientKind } from "./clients.js";
import { open } from "./clients.js";
import type { Probe } from "./probe.js";
import { rawHandshake } from "./raw-handshake.js";
import { measureWindow } from "./window.js";

export interface HandshakeOptions {
  /** Handshakes on the way at once. */
  concurrency: number;
  warmupMs: number;
  windowMs: number;
}

/**
 * Which client opens and closes the connections: `raw`, the minimal client of raw-handshake.ts,
 * which costs a fraction of what the server does, so the server is the bottleneck; or the
 * server's own `client` (`ws`, Socket.IO's), which costs about twice what the server does.
 */
export type HandshakeClient = "raw" | "client";

export interface HandshakeResult {
  handshakesPerSecond: number;
  /** Server CPU time per connection opened and closed, in microseconds. */
  cpuUsPerHandshake: number;
  /** The load generator's own CPU time per connection, in microseconds. */
  clientCpuUsPerHandshake: number;
}

/**
 * `concurrency` loops each open a connection, close it cleanly and start over; connections opened
 * within the window after the warm-up are counted.
 */
export async function handshakes(
  kind: ClientKind,
  port: number,
  server: Probe,
  options: HandshakeOptions,
  client: HandshakeClient,
): Promise<HandshakeResult> {
  let running = true;
  const gate = { measuring: false };
  let count = 0;
  const once =
    client === "raw"
      ? () => rawHandshake(port, "/echo")
      : async () => {
          const connection = await open(kind, port, "/echo");
          await connection.close();
        };
  const loop = async (): Promise<void> => {
    while (running) {
      await once();
      if (gate.measuring) count++;
    }
  };
  const loops = Array.from({ length: options.concurrency }, loop);
  let clientCpu = process.cpuUsage();
  const { elapsedMs: elapsed, cpuSeconds: cpu } = await measureWindow(server, options, gate, () => {
    clientCpu = process.cpuUsage();
  });
  const used = process.cpuUsage(clientCpu);
  running = false;
  await Promise.all(loops);
  return {
    handshakesPerSecond: (count * 1000) / elapsed,
    cpuUsPerHandshake: (cpu * 1e6) / count,
    clientCpuUsPerHandshake: (used.user + used.system) / count,
  };
}
