import { sleep } from "../_process.js";
import type { ClientKind } from "./clients.js";
import { closeAll, openMany } from "./clients.js";
import type { Probe } from "./probe.js";

export interface MemoryResult {
  /** Growth of the server's RSS per open idle connection, after a full GC, in bytes. */
  bytesPerConnection: number;
}

/** Opens `count` idle connections to `/echo` and divides the server's RSS growth by `count`. */
export async function memory(kind: ClientKind, port: number, server: Probe, count: number): Promise<MemoryResult> {
  await server.collect();
  const before = server.rss();
  const connections = await openMany(kind, port, "/echo", count);
  await sleep(500);
  await server.collect();
  const after = server.rss();
  await closeAll(connections);
  return { bytesPerConnection: (after - before) / count };
}
