/**
 * Instructions a server executes per handshake (or per echoed message), counted by valgrind's
 * callgrind: the same whatever else the machine runs, so a change of a few percent shows where
 * wall-clock figures drown in noise. The server runs under valgrind, warms up uncounted, then
 * `count` handshakes (raw-TCP client: opening handshake, masked close, the server's TCP close) or
 * echoes are counted; every thread of the process is included (JIT and GC helpers too).
 *
 *   pnpm instructions [--compiled] [--echo] [--count 2000] ws scallion-minimal
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { compileServers, startServer } from "./_process.js";
import type { ServerProcess } from "./_process.js";
import { CONTENDERS } from "./contenders.js";
import { open } from "./load/clients.js";
import { payload } from "./load/payload.js";
import { rawHandshake } from "./load/raw-handshake.js";

const { values: args, positionals: names } = parseArgs({
  options: {
    compiled: { type: "boolean", default: false },
    echo: { type: "boolean", default: false },
    count: { type: "string", default: "2000" },
    warmup: { type: "string", default: "3000" },
  },
  allowPositionals: true,
});
const count = Number(args.count);
const warmup = Number(args.warmup);
/**
 * callgrind_control finds the server by a file named after the user and host in the environment
 * (LOGNAME, HOST): the same names on both sides (HOST is the servers' listening address too).
 */
const VGDB_ENV = { LOGNAME: "bench", HOST: "127.0.0.1" };

const mode = args.compiled ? "compiled" : "tsx";
if (mode === "compiled") compileServers();

for (const name of names.length > 0 ? names : ["ws", "scallion-minimal"]) {
  const contender = CONTENDERS.find((c) => c.name === name);
  if (contender === undefined) throw new Error(`no server named ${name}`);
  const dir = mkdtempSync(join(tmpdir(), `callgrind-${name}-`));
  const server = await startServer(contender.script, {
    mode,
    env: VGDB_ENV,
    wrapper: ["valgrind", "--tool=callgrind", "--instr-atstart=no", `--callgrind-out-file=${dir}/out.%p`],
  });
  const work = args.echo ? await echoes(server.port) : (n: number) => handshakes(server.port, n);
  await work(warmup);
  control(server, "--instr=on");
  await work(count);
  control(server, "--dump");
  await server.stop();
  const instructions = totalOf(dir);
  const what = args.echo ? "echoed message" : "handshake";
  console.log(`${name} (${mode}): ${Math.round(instructions / count / 1000)}k instructions per ${what} (${count} counted)`);
}

/** `n` raw handshakes, 4 on the way at once. */
async function handshakes(port: number, n: number): Promise<void> {
  let left = n;
  const loop = async (): Promise<void> => {
    while (left-- > 0) await rawHandshake(port, "/echo");
  };
  await Promise.all(Array.from({ length: 4 }, loop));
}

/** A function that echoes `n` messages over 4 connections, each with one message on the way. */
async function echoes(port: number): Promise<(n: number) => Promise<void>> {
  const connections = await Promise.all(Array.from({ length: 4 }, () => open("ws", port, "/echo")));
  const message = payload();
  return async (n) => {
    let left = n;
    await Promise.all(
      connections.map(
        (connection) =>
          new Promise<void>((done) => {
            connection.onMessage(() => (left-- > 0 ? connection.send(message) : done()));
            connection.send(message);
          }),
      ),
    );
  };
}

function control(server: ServerProcess, command: string): void {
  const result = spawnSync("callgrind_control", [command, String(server.child.pid)], {
    encoding: "utf8",
    env: { ...process.env, ...VGDB_ENV },
  });
  if (result.status !== 0 || !result.stdout.includes("OK")) throw new Error(`callgrind_control ${command}: ${result.stdout}${result.stderr}`);
}

/** The instructions in the dump that `--dump` wrote (`out.<pid>.1`: all threads, the counted part only). */
function totalOf(dir: string): number {
  let total = 0;
  for (const file of readdirSync(dir).filter((f) => /^out\.\d+\.\d+$/.test(f))) {
    const text = readFileSync(join(dir, file), "utf8");
    const totals = /^totals:\s+(\d+)/m.exec(text) ?? /^summary:\s+(\d+)/m.exec(text);
    total += Number(totals?.[1] ?? 0);
  }
  return total;
}
