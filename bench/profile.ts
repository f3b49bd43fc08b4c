/**
 * Where a server spends its CPU on echo: runs it under `node --cpu-prof` while the load generator
 * drives the closed-loop echo scenario, then prints the functions with the most self time and
 * the totals by area (Scallion's packages, `ws`, Node's internals …).
 *
 *   pnpm --filter @scallion/bench profile                # ws and scallion-minimal
 *   pnpm --filter @scallion/bench profile scallion-full  # any servers, by name
 *   pnpm --filter @scallion/bench profile --handshakes   # opening and closing (raw-TCP client) instead of echo
 *   pnpm --filter @scallion/bench profile --compiled     # the compiled servers on plain node
 */
import { mkdtempSync, readdirSync, statSync } from "node:fs";
import { parseArgs } from "node:util";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compileServers, startServer } from "./_process.js";
import { CONTENDERS, SERVER_NODE_ARGS } from "./contenders.js";
import { byArea, selfTimes } from "./cpuprofile.js";
import { runLoad } from "./load/run-load.js";
import { PROFILE, PROFILE_HANDSHAKES } from "./load/plan.js";

const { values: args, positionals: names } = parseArgs({
  options: { handshakes: { type: "boolean", default: false }, compiled: { type: "boolean", default: false } },
  allowPositionals: true,
});
const plan = args.handshakes ? PROFILE_HANDSHAKES : PROFILE;
const TOP = 25;
const mode = args.compiled ? "compiled" : "tsx";
if (mode === "compiled") compileServers();

for (const name of names.length > 0 ? names : ["ws", "scallion-minimal"]) {
  const contender = CONTENDERS.find((c) => c.name === name);
  if (contender === undefined) throw new Error(`no server named ${name}`);
  const dir = mkdtempSync(join(tmpdir(), `prof-${name}-`));
  const server = await startServer(contender.script, {
    nodeArgs: [...SERVER_NODE_ARGS, "--cpu-prof", `--cpu-prof-dir=${dir}`],
    mode,
  });
  const metrics = await runLoad({ kind: contender.kind, port: server.port, pid: server.child.pid as number, plan });
  await server.stop();
  // tsx runs a loader thread, which writes a profile of its own: the main thread's is the largest.
  const files = readdirSync(dir).map((f) => join(dir, f));
  const file = files.sort((a, b) => statSync(b).size - statSync(a).size)[0] as string;
  const times = selfTimes(file);
  const percent = (share: number): string => `${(share * 100).toFixed(1)}%`;
  const figures = args.handshakes
    ? `${Math.round(metrics["handshakes/s"] ?? 0)} handshakes/s, ${metrics["handshake CPU µs"]?.toFixed(0)} µs CPU each`
    : `${Math.round(metrics["echo msg/s"] ?? 0)} msg/s, ${metrics["echo CPU µs/msg"]?.toFixed(1)} µs CPU/msg`;
  console.log(`\n## ${name}: ${figures} (${file})\n`);
  console.log("Self time as a share of the busy (non-idle) samples.\n\n| area | self time |\n|---|---:|");
  for (const [area, share] of byArea(times)) console.log(`| ${area} | ${percent(share)} |`);
  console.log("\n| function | where | self time |\n|---|---|---:|");
  for (const { name: fn, where, share } of times.slice(0, TOP)) console.log(`| ${fn} | ${where} | ${percent(share)} |`);
}
