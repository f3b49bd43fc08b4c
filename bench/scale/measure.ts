import { processTree, sleep, startServer } from "../_process.js";
import type { ServerMode, ServerProcess } from "../_process.js";
import type { Contender } from "../contenders.js";
import { SERVER_NODE_ARGS } from "../contenders.js";
import { probe } from "../load/probe.js";
import { median } from "../load/stats.js";
import type { Holders } from "./holders.js";

/** What the scale benchmark reads of one server at one number of idle connections. */
export interface ScalePoint {
  connections: number;
  /** Growth of RSS and of the heap since no connection was open, per connection, after a full GC. */
  rssPerConnection: number;
  heapPerConnection: number;
  /** Handshakes per second while the connections of this step were opened. */
  handshakesPerSecond: number;
  /**
   * CPU the idle server used, as a share of one core, over `idleMs` (heartbeats, timers), after
   * `settleMs` more of idle in which it finishes what taking the connections left (GC, V8's
   * memory reducer).
   */
  idleCpu: number;
  /** Median milliseconds from one publish to its arrival at every connection. */
  publishMs: number;
}

export interface ScaleOptions {
  steps: readonly number[];
  idleMs: number;
  settleMs: number;
  publishes: number;
  mode: ServerMode;
  /** For the cluster servers: how many node:cluster workers share the connections. */
  workers: number;
}

/**
 * Grows the idle connections of one server step by step, measuring each step. Memory and CPU are
 * those of the server's whole process tree (a cluster's primary and workers).
 */
export async function measure(contender: Contender, holders: Holders, options: ScaleOptions): Promise<ScalePoint[]> {
  const env = { REPORT_HEAP: "1", WORKERS: String(options.workers) };
  const server = await startServer(contender.script, { mode: options.mode, nodeArgs: SERVER_NODE_ARGS, env });
  const heap = heapReader(server);
  const tree = probe(server.child.pid as number);
  try {
    await sleep(1_000);
    const baseHeap = await heap.collect();
    const baseRss = tree.rss();
    const points: ScalePoint[] = [];
    let open = 0;
    for (const step of options.steps) {
      const started = performance.now();
      await holders.open(server.port, step - open);
      const handshakesPerSecond = ((step - open) * 1000) / (performance.now() - started);
      open = step;
      await sleep(1_000);
      const heapUsed = await heap.collect();
      const rss = tree.rss();
      await sleep(options.settleMs);
      const cpuBefore = tree.cpuSeconds();
      await sleep(options.idleMs);
      const idleCpu = (tree.cpuSeconds() - cpuBefore) / (options.idleMs / 1000);
      const times: number[] = [];
      for (let i = 0; i < options.publishes; i++) times.push(await holders.publish(`publish ${step} ${i}`));
      points.push({
        connections: step,
        rssPerConnection: (rss - baseRss) / step,
        heapPerConnection: (heapUsed - baseHeap) / step,
        handshakesPerSecond,
        idleCpu,
        publishMs: median(times),
      });
    }
    return points;
  } finally {
    await server.stop();
  }
}

/**
 * Full GCs in every process of the server, then the heap they report, summed (`REPORT_HEAP`,
 * servers/_harness.ts: each prints one line per signal).
 */
function heapReader(server: ServerProcess): { collect(): Promise<number> } {
  const stdout = server.child.stdout;
  if (stdout === null) throw new Error("the server's stdout is not piped");
  const round = (): Promise<number> => {
    const pids = processTree(server.child.pid as number);
    return new Promise<number>((resolve) => {
      let total = 0;
      let reported = 0;
      const onData = (chunk: Buffer): void => {
        for (const match of chunk.toString().matchAll(/heap-used (\d+)/g)) {
          total += Number(match[1]);
          if (++reported < pids.length) continue;
          stdout.off("data", onData);
          resolve(total);
        }
      };
      stdout.on("data", onData);
      for (const pid of pids) process.kill(pid, "SIGUSR2");
    });
  };
  return {
    collect: async () => {
      await round();
      await sleep(200);
      const heap = await round();
      await sleep(200);
      return heap;
    },
  };
}
