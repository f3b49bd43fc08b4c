import { cpuSecondsOf, processTree, rssOf, sleep } from "../_process.js";

/** What the load generator reads of the server under test, from /proc: its process and their children (a cluster's workers). */
export interface Probe {
  cpuSeconds(): number;
  rss(): number;
  /** Full GC in the server (it was started with `--expose-gc` and `_harness.ts`), then a pause. */
  collect(): Promise<void>;
}

export function probe(pid: number): Probe {
  return {
    cpuSeconds: () => sum(processTree(pid).map(cpuSecondsOf)),
    rss: () => sum(processTree(pid).map(rssOf)),
    async collect() {
      for (let i = 0; i < 2; i++) {
        for (const p of processTree(pid)) process.kill(p, "SIGUSR2");
        await sleep(300);
      }
    },
  };
}

const sum = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0);
