import { cpuSecondsOf, rssOf, sleep } from "../_process.js";

/** What the load generator reads of the server process under test, from /proc. */
export interface Probe {
  cpuSeconds(): number;
  rss(): number;
  /** Full GC in the server (it was started with `--expose-gc` and `_harness.ts`), then a pause. */
  collect(): Promise<void>;
}

export function probe(pid: number): Probe {
  return {
    cpuSeconds: () => cpuSecondsOf(pid),
    rss: () => rssOf(pid),
    async collect() {
      process.kill(pid, "SIGUSR2");
      await sleep(300);
      process.kill(pid, "SIGUSR2");
      await sleep(300);
    },
  };
}
