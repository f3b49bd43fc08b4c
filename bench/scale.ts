/**
 * How a server's cost grows with its idle connections, beside raw `ws` in the same run,
 * alternating: RSS and heap per connection, handshakes per second while the count grows, the CPU
 * an idle server spends (heartbeats), and the time one published message takes to reach every
 * connection. The load generator holds the connections over raw TCP in processes of its own
 * (scale/holder.ts), from several loopback addresses. A process holds no more connections than
 * its open-file limit: past it, `--workers N` runs the cluster servers (raw ws by hand, and
 * Scallion with @scallion/cluster) on N node:cluster workers, each with a limit of its own.
 * Writes a table to stdout, the figures to scale/results[-cluster].json and the curves to
 * scale/scale[-cluster].svg.
 *
 *   pnpm scale [--compiled] [--rounds 2] [--steps 1000,10000,19000] [--idle 20000] [--settle 10000] [--only ws,scallion-minimal]
 *   pnpm scale --workers 6 --steps 10000,50000,100000
 */
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { compileServers } from "./_process.js";
import { CONTENDERS } from "./contenders.js";
import { machine } from "./report.js";
import { chart } from "./scale/chart.js";
import { Holders } from "./scale/holders.js";
import type { ScalePoint } from "./scale/measure.js";
import { measure } from "./scale/measure.js";

const { values: args } = parseArgs({
  options: {
    compiled: { type: "boolean", default: false },
    rounds: { type: "string", default: "2" },
    steps: { type: "string", default: "1000,5000,10000,50000,100000" },
    idle: { type: "string", default: "20000" },
    settle: { type: "string", default: "10000" },
    publishes: { type: "string", default: "5" },
    only: { type: "string" },
    workers: { type: "string", default: "0" },
  },
});
const workers = Number(args.workers);

type Metric = readonly [string, (p: ScalePoint) => number];
/** The table's rows and the chart's panels. */
const METRICS: readonly Metric[] = [
  ["RSS per connection (B)", (p) => p.rssPerConnection],
  ["heap per connection (B)", (p) => p.heapPerConnection],
  ["handshakes/s while growing", (p) => p.handshakesPerSecond],
  ["idle CPU (% of one core)", (p) => p.idleCpu * 100],
  ["publish to all (ms)", (p) => p.publishMs],
];

/** Connections one process may hold: its open-file limit, less what a server needs besides. */
const fileLimit = openFileLimit();
const allowed = (fileLimit - 200) * Math.max(1, workers);
const asked = args.steps.split(",").map(Number);
const steps = [...new Set(asked.map((n) => Math.min(n, allowed)))];
const mode = args.compiled ? "compiled" : "tsx";
if (mode === "compiled") compileServers();
const only = args.only ?? (workers > 0 ? "ws-cluster,scallion-cluster" : "ws,scallion-minimal");
const contenders = only.split(",").map((name) => {
  const contender = CONTENDERS.find((c) => c.name === name);
  if (contender === undefined) throw new Error(`--only: no server named ${name}`);
  return contender;
});
const options = { steps, idleMs: Number(args.idle), settleMs: Number(args.settle), publishes: Number(args.publishes), mode, workers } as const;
const holdersNeeded = Math.ceil(Math.max(...steps) / 10_000);

const runs = new Map<string, ScalePoint[][]>(contenders.map((c) => [c.name, []]));
for (let round = 0; round < Number(args.rounds); round++) {
  // Alternating, and the order reversed every other round, so that neither server always goes first.
  const order = round % 2 === 0 ? contenders : [...contenders].reverse();
  for (const contender of order) {
    console.error(`round ${round + 1} ${contender.name}: steps ${steps.join(", ")}`);
    const holders = new Holders(holdersNeeded);
    try {
      runs.get(contender.name)?.push(await measure(contender, holders, options));
    } finally {
      holders.close();
    }
  }
}

const medians = new Map([...runs].map(([name, rounds]) => [name, steps.map((_, i) => medianPoint(rounds.map((r) => r[i] as ScalePoint)))]));
const servers = workers > 0 ? `, ${workers} node:cluster workers each` : "";
console.log(`${machine()}\n${new Date().toISOString()}, ${args.rounds} round(s), servers on ${mode}${servers}`);
console.log(`open files per process: ${fileLimit} (asked for ${asked.join(", ")}; measured ${steps.join(", ")})\n`);
console.log(table(medians));
const suffix = workers > 0 ? "-cluster" : "";
const out = (file: string): string => fileURLToPath(new URL(`scale/${file}`, import.meta.url));
const results = { date: new Date().toISOString(), mode, fileLimit, workers, steps, runs: Object.fromEntries(runs) };
writeFileSync(out(`results${suffix}.json`), `${JSON.stringify(results, null, 1)}\n`);
writeFileSync(out(`scale${suffix}.svg`), chart(METRICS.map(([title, pick]) => ({
  title,
  series: [...medians].map(([name, points]) => ({ name, points: points.map((p) => ({ x: p.connections, y: pick(p) })) })),
}))));

function table(byName: Map<string, ScalePoint[]>): string {
  const names = [...byName.keys()];
  const head = `| connections | metric | ${names.join(" | ")} |\n|---:|---|${names.map(() => "---:|").join("")}`;
  const rows = steps.flatMap((connections, i) =>
    METRICS.map(([title, pick]) => {
      const values = names.map((name) => pick((byName.get(name) as ScalePoint[])[i] as ScalePoint));
      const base = values[0] as number;
      const cells = values.map((v, j) => (j === 0 || base === 0 ? fmt(v) : `${fmt(v)} (${(v / base).toFixed(2)}×)`));
      return `| ${connections} | ${title} | ${cells.join(" | ")} |`;
    }),
  );
  return [head, ...rows].join("\n");
}

function medianPoint(points: readonly ScalePoint[]): ScalePoint {
  const mid = <K extends keyof ScalePoint>(key: K): number => {
    const sorted = points.map((p) => p[key]).sort((a, b) => a - b);
    const m = Math.floor(sorted.length / 2);
    return sorted.length % 2 === 1 ? (sorted[m] as number) : ((sorted[m - 1] as number) + (sorted[m] as number)) / 2;
  };
  return {
    connections: mid("connections"),
    rssPerConnection: mid("rssPerConnection"),
    heapPerConnection: mid("heapPerConnection"),
    handshakesPerSecond: mid("handshakesPerSecond"),
    idleCpu: mid("idleCpu"),
    publishMs: mid("publishMs"),
  };
}

function fmt(value: number): string {
  return value >= 100 ? Math.round(value).toLocaleString("en-US") : value.toPrecision(3);
}

function openFileLimit(): number {
  const line = readFileSync("/proc/self/limits", "utf8").split("\n").find((l) => l.startsWith("Max open files"));
  return Number(line?.split(/\s+/)[3]);
}
