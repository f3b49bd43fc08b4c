import type { ClientKind } from "./clients.js";
import { open } from "./clients.js";
import type { Probe } from "./probe.js";
import { measureWindow } from "./window.js";

export interface HandshakeOptions {
  /** Handshakes on the way at once. */
  concurrency: number;
  warmupMs: number;
  windowMs: number;
}

export interface HandshakeResult {
  handshakesPerSecond: number;
  /** Server CPU time per connection opened and closed, in microseconds. */
  cpuUsPerHandshake: number;
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
): Promise<HandshakeResult> {
  let running = true;
  const gate = { measuring: false };
  let count = 0;
  const loop = async (): Promise<void> => {
    while (running) {
      const connection = await open(kind, port, "/echo");
      if (gate.measuring) count++;
      await connection.close();
    }
  };
  const loops = Array.from({ length: options.concurrency }, loop);
  const { elapsedMs: elapsed, cpuSeconds: cpu } = await measureWindow(server, options, gate);
  running = false;
  await Promise.all(loops);
  return { handshakesPerSecond: (count * 1000) / elapsed, cpuUsPerHandshake: (cpu * 1e6) / count };
}
