import { cpuSecondsOf, sleep, startServer } from "../_process.js";
import type { ServerMode, ServerProcess } from "../_process.js";
import type { Contender } from "../contenders.js";
import { SERVER_NODE_ARGS } from "../contenders.js";
import type { Holders } from "./holders.js";

/** What the scale benchmark reads of one server at one number of idle connections. */
export interface ScalePoint {
  connections: number;
  /** Growth of RSS and of the heap since no connection was open, per connection, after a full GC. */
  rssPerConnection: number;
  heapPerConnection: number;
  /** Handshakes per second while the connections of this step were opened. */
  handshakesPerSecond: number;
  /** CPU the idle server used, as a share of one core, over `idleMs` (heartbeats, timers). */
  idleCpu: number;
  /** Median milliseconds from one publish to its arrival at every connection. */
  publishMs: number;
}

export interface ScaleOptions {
  steps: readonly number[];
  idleMs: number;
  publishes: number;
  mode: ServerMode;
}

/** Grows the idle connections of one server step by step, measuring each step. */
export async function measure(contender: Contender, holders: Holders, options: ScaleOptions): Promise<ScalePoint[]> {
  const server = await startServer(contender.script, { mode: options.mode, nodeArgs: SERVER_NODE_ARGS, env: { REPORT_HEAP: "1" } });
  const heap = heapReader(server);
  try {
    await sleep(1_000);
    const baseHeap = await heap.collect();
    const baseRss = server.rss();
    const points: ScalePoint[] = [];
    let open = 0;
    for (const step of options.steps) {
      const started = performance.now();
      await holders.open(server.port, step - open);
      const handshakesPerSecond = ((step - open) * 1000) / (performance.now() - started);
      open = step;
      await sleep(1_000);
      const heapUsed = await heap.collect();
      const rss = server.rss();
      const cpuBefore = cpuSecondsOf(server.child.pid as number);
      await sleep(options.idleMs);
      const idleCpu = (cpuSecondsOf(server.child.pid as number) - cpuBefore) / (options.idleMs / 1000);
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

/** Full GCs in the server, then the heap it reports (`REPORT_HEAP`, servers/_harness.ts). */
function heapReader(server: ServerProcess): { collect(): Promise<number> } {
  const stdout = server.child.stdout;
  if (stdout === null) throw new Error("the server's stdout is not piped");
  return {
    collect: async () => {
      let last = 0;
      for (let i = 0; i < 2; i++) {
        last = await new Promise<number>((resolve) => {
          const onData = (chunk: Buffer): void => {
            const match = /heap-used (\d+)/.exec(chunk.toString());
            if (match?.[1] === undefined) return;
            stdout.off("data", onData);
            resolve(Number(match[1]));
          };
          stdout.on("data", onData);
          process.kill(server.child.pid as number, "SIGUSR2");
        });
        await sleep(200);
      }
      return last;
    },
  };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}
