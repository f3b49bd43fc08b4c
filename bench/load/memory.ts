import { sleep } from "../_process.js";
import type { ClientKind } from "./clients.js";
import { closeAll, openMany } from "./clients.js";
import type { Probe } from "./probe.js";

export interface MemoryResult {
  /** Growth of the server's RSS per open idle connection, after a full GC, 0.5 s after the last opened. */
  bytesPerConnection: number;
  /** The same once the server has idled for `settleMs`, if it was asked to. */
  settledBytesPerConnection?: number;
}

export interface MemoryOptions {
  connections: number;
  /**
   * How long the server idles before the baseline and before the settled reading. After about
   * ten seconds of little allocation V8's memory reducer gives back the young generation's pages,
   * which hold nothing after the GC but still count in RSS at 0.5 s. 0 skips the settled reading.
   */
  settleMs: number;
}

/** Opens idle connections to `/echo` and divides the server's RSS growth by their number. */
export async function memory(kind: ClientKind, port: number, server: Probe, options: MemoryOptions): Promise<MemoryResult> {
  const { connections: count, settleMs } = options;
  await sleep(settleMs);
  await server.collect();
  const before = server.rss();
  const connections = await openMany(kind, port, "/echo", count);
  await sleep(500);
  await server.collect();
  const result: MemoryResult = { bytesPerConnection: (server.rss() - before) / count };
  if (settleMs > 0) {
    await sleep(settleMs);
    await server.collect();
    result.settledBytesPerConnection = (server.rss() - before) / count;
  }
  await closeAll(connections);
  return result;
}
