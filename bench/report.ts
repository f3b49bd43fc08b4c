import { cpus, totalmem } from "node:os";
import type { Metrics } from "./load/main.js";
import { median } from "./load/stats.js";

/** Every sample of every metric, per server. */
export type Samples = Map<string, Map<string, number[]>>;

/** Metrics where less is better (times, CPU, memory); for the rest, more is better. */
const lowerIsBetter = (metric: string): boolean => !metric.endsWith("/s");

export function record(samples: Samples, server: string, metrics: Metrics): void {
  let byMetric = samples.get(server);
  if (byMetric === undefined) samples.set(server, (byMetric = new Map()));
  for (const [name, value] of Object.entries(metrics)) {
    const values = byMetric.get(name);
    if (values === undefined) byMetric.set(name, [value]);
    else values.push(value);
  }
}

/**
 * A Markdown table: one row per metric, one column per server, each cell the median over the
 * rounds and its ratio to the baseline (the first server).
 */
export function table(samples: Samples): string {
  const servers = [...samples.keys()];
  const baseline = samples.get(servers[0] as string) as Map<string, number[]>;
  const lines = [
    `| metric | ${servers.join(" | ")} |`,
    `|---|${servers.map(() => "---:").join("|")}|`,
  ];
  for (const metric of baseline.keys()) {
    const base = median(baseline.get(metric) as number[]);
    const cells = servers.map((server) => {
      const value = median(samples.get(server)?.get(metric) ?? []);
      // A ratio to zero (CPU below the clock tick in a short run) says nothing: leave it out, as
      // for a metric this server was not measured on.
      if (server === servers[0] || !(base > 0) || Number.isNaN(value)) return format(value);
      return `${format(value)} (${(value / base).toFixed(2)}×)`;
    });
    lines.push(`| ${metric} ${lowerIsBetter(metric) ? "↓" : "↑"} | ${cells.join(" | ")} |`);
  }
  return lines.join("\n");
}

function format(value: number): string {
  if (Number.isNaN(value)) return "–";
  if (Math.abs(value) >= 100) return Math.round(value).toLocaleString("en-US");
  return value.toPrecision(3);
}

/** The machine, for the record. */
export function machine(): string {
  const cpu = cpus();
  return `${cpu.length} × ${cpu[0]?.model ?? "unknown CPU"}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${process.platform}`;
}
