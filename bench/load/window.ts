import { sleep } from "../_process.js";
import type { Probe } from "./probe.js";
import { now } from "./stats.js";

/** Whether what happens now falls inside the measured window. */
export interface Gate {
  measuring: boolean;
}

/**
 * Waits out the warm-up, then opens `gate` for `windowMs`: the scenario counts only what happens
 * while it is open (`onStart` runs as it opens). Returns the window's length and the server's CPU seconds over it.
 */
export async function measureWindow(
  server: Probe,
  options: { readonly warmupMs: number; readonly windowMs: number },
  gate: Gate,
  onStart?: () => void,
): Promise<{ elapsedMs: number; cpuSeconds: number }> {
  await sleep(options.warmupMs);
  onStart?.();
  const cpuBefore = server.cpuSeconds();
  const start = now();
  gate.measuring = true;
  await sleep(options.windowMs);
  gate.measuring = false;
  return { elapsedMs: now() - start, cpuSeconds: server.cpuSeconds() - cpuBefore };
}
