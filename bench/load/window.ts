import { sleep } from "../_process.js";
import type { Probe } from "./probe.js";
import { now } from "./stats.js";

/** Whether what happens now falls inside the measured window. */
export interface Gate {
  measuring: boolean;
}

/**
 * Waits out the warm-up, then opens `gate` for `windowMs`: the scenario counts only what happens
 * while it is open (`onStart` runs as it opens). Returns the window's length and the CPU seconds
 * of the server and of this load generator over it (on a host with few cores, they compete).
 */
export async function measureWindow(
  server: Probe,
  options: { readonly warmupMs: number; readonly windowMs: number },
  gate: Gate,
  onStart?: () => void,
): Promise<{ elapsedMs: number; cpuSeconds: number; loadCpuSeconds: number }> {
  await sleep(options.warmupMs);
  onStart?.();
  const cpuBefore = server.cpuSeconds();
  const loadBefore = process.cpuUsage();
  const start = now();
  gate.measuring = true;
  await sleep(options.windowMs);
  gate.measuring = false;
  const load = process.cpuUsage(loadBefore);
  return { elapsedMs: now() - start, cpuSeconds: server.cpuSeconds() - cpuBefore, loadCpuSeconds: (load.user + load.system) / 1e6 };
}
