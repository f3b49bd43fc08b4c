/**
 * The benchmark: every server in turn (A B C … A B C …, one round after another), each in its own
 * process and measured by a load generator in another, then a table of medians and ratios to raw
 * `ws`.
 *
 *   pnpm bench             # the full run, 5 rounds (about 25 minutes)
 *   pnpm bench --quick     # a smoke run of every scenario (about 30 s)
 *   pnpm bench --rounds 5 --only ws,scallion-minimal --scenarios echo,pipelined
 *   pnpm bench --pin       # server on CPU 0, load generator on CPU 1 (needs taskset)
 *   pnpm bench --compiled  # servers on compiled JavaScript with plain node (default: tsx, from source)
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { compileServers, startServer } from "./_process.js";
import type { Contender } from "./contenders.js";
import { CONTENDERS, SERVER_NODE_ARGS } from "./contenders.js";
import type { LoadRequest, Metrics } from "./load/main.js";
import { runLoad } from "./load/run-load.js";
import type { Scenario } from "./load/plan.js";
import { FULL, QUICK, SCENARIOS } from "./load/plan.js";
import type { Samples } from "./report.js";
import { machine, record, table } from "./report.js";

const { values: args } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    rounds: { type: "string" },
    only: { type: "string" },
    scenarios: { type: "string" },
    pin: { type: "boolean", default: false },
    compiled: { type: "boolean", default: false },
  },
});
const base = args.quick ? QUICK : FULL;
const plan = args.scenarios === undefined ? base : { ...base, scenarios: parseScenarios(args.scenarios) };
const rounds = args.rounds === undefined ? plan.rounds : Number(args.rounds);
const only = args.only?.split(",");
const contenders = only === undefined ? CONTENDERS : CONTENDERS.filter((c) => only.includes(c.name));

const mode = args.compiled ? "compiled" : "tsx";
if (mode === "compiled") compileServers();
checkOpenFiles(plan.memory.connections + Math.max(...plan.fanouts.map((f) => f.subscribers)) + 1_000);

const samples: Samples = new Map();
for (let round = 1; round <= rounds; round++) {
  for (const contender of contenders) {
    const started = Date.now();
    const metrics = await measure(contender);
    record(samples, contender.name, metrics);
    console.error(`round ${round}/${rounds} ${contender.name}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
}

console.log(`${machine()}\n${new Date().toISOString()}, ${rounds} round(s)${args.quick ? ", --quick" : ""}, servers on ${mode}\n`);
console.log(table(samples));

/** Starts the server, runs the load generator against it, stops the server. */
async function measure(contender: Contender): Promise<Metrics> {
  const server = await startServer(contender.script, { nodeArgs: SERVER_NODE_ARGS, cpu: args.pin ? 0 : undefined, mode });
  try {
    const request: LoadRequest = { kind: contender.kind, port: server.port, pid: server.child.pid as number, plan };
    return await runLoad(request, args.pin ? 1 : undefined);
  } finally {
    await server.stop();
  }
}

function parseScenarios(list: string): Scenario[] {
  const names = list.split(",");
  for (const name of names) {
    if (!(SCENARIOS as readonly string[]).includes(name)) throw new Error(`--scenarios: unknown "${name}" (known: ${SCENARIOS.join(", ")})`);
  }
  return names as Scenario[];
}

/** Each connection is a file descriptor on both sides: stop early, with the fix, if there are too few. */
function checkOpenFiles(needed: number): void {
  const limits = readFileSync("/proc/self/limits", "utf8");
  const soft = Number(/Max open files\s+(\d+)/.exec(limits)?.[1] ?? Infinity);
  if (soft < needed) {
    console.error(`The open-file limit is ${soft}; ${needed} are needed. Raise it first: ulimit -n ${needed}`);
    process.exit(1);
  }
}
