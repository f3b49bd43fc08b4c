import { spawn, spawnSync } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** A server under test, run as its own Node process so its memory can be read from /proc. */
export interface ServerProcess {
  readonly child: ChildProcess;
  readonly port: number;
  /** Resident set size now, in bytes. */
  rss(): number;
  stop(): Promise<void>;
}

/**
 * How a server under test runs: `tsx`, from its TypeScript and the packages' sources, as the
 * workspace runs; or `compiled`, with plain node on bench/dist/ and the packages' dist/, as
 * users deploy (see {@link compileServers}).
 */
export type ServerMode = "tsx" | "compiled";

/** How {@link startServer} runs a server; every field is optional. */
export interface StartOptions {
  /** Added to the environment. */
  env?: Record<string, string>;
  /** Node flags before the script, e.g. `--expose-gc` or `--cpu-prof`; `.ts` files follow the mode. */
  nodeArgs?: readonly string[];
  /** Pins the process to this CPU (see {@link pinned}). */
  cpu?: number;
  /** Default `tsx`. */
  mode?: ServerMode;
  /** A command that runs node, e.g. `["valgrind", "--tool=callgrind"]`. */
  wrapper?: readonly string[];
}

const BENCH = fileURLToPath(new URL("./", import.meta.url));

/** The compiled counterpart of a TypeScript file under bench/ (bench/dist/…/x.js); anything else as it is. */
function compiled(file: string): string {
  return file.startsWith(BENCH) && file.endsWith(".ts") ? `${BENCH}dist/${file.slice(BENCH.length, -".ts".length)}.js` : file;
}

/** Compiles the servers and the packages they import (`tsc -b bench/tsconfig.build.json`), for `compiled` mode. */
export function compileServers(): void {
  const tsc = fileURLToPath(new URL("../node_modules/typescript/bin/tsc", import.meta.url));
  const result = spawnSync(process.execPath, [tsc, "-b", `${BENCH}tsconfig.build.json`], { stdio: "inherit" });
  if (result.status !== 0) throw new Error("compiling the benchmark servers failed");
}

/** Starts `script` (a TypeScript file in servers/) with PORT=0 and waits for the URL it prints. */
export function startServer(
  script: string,
  { env = {}, nodeArgs = [], cpu, mode = "tsx", wrapper = [] }: StartOptions = {},
): Promise<ServerProcess> {
  const argv =
    mode === "tsx"
      ? [...wrapper, process.execPath, "--import", "tsx", "--conditions=@scallion/source", ...nodeArgs, script]
      : [...wrapper, process.execPath, ...nodeArgs.map(compiled), compiled(script)];
  const [command, args] = pinned(cpu, argv);
  const child = spawn(command, args, {
    env: { ...process.env, PORT: "0", HOST: "127.0.0.1", ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const match = /ws:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (match?.[1]) {
        child.stdout?.removeAllListeners("data");
        child.stdout?.resume();
        resolve({
          child,
          port: Number(match[1]),
          rss: () => rssOf(child.pid as number),
          stop: () =>
            new Promise((done) => {
              child.once("exit", () => done());
              child.kill("SIGTERM");
            }),
        });
      }
    });
    child.once("exit", (code) => reject(new Error(`${script} exited with ${code}:\n${out}`)));
  });
}

/** Resident set size of process `pid`, in bytes. */
export function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
  return Number(kb) * 1024;
}

/** `pid` and its child processes (a cluster's workers), from /proc. */
export function processTree(pid: number): number[] {
  const children = readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim();
  return [pid, ...(children === "" ? [] : children.split(" ").map(Number))];
}

/** CPU time (user + system) that process `pid` has used so far, in seconds. */
export function cpuSecondsOf(pid: number): number {
  // The command name, field 2, may hold spaces: count fields from the closing parenthesis.
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // utime and stime are fields 14 and 15, in clock ticks (USER_HZ, 100 on Linux).
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

const CLOCK_TICKS = 100;

/** Samples `read` every `everyMs` until `stop()` is called; returns the peak. */
export function sampler(read: () => number, everyMs = 50): { stop(): number } {
  let peak = read();
  const timer = setInterval(() => (peak = Math.max(peak, read())), everyMs);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, read());
    },
  };
}

export const MiB = 1024 * 1024;
export const mib = (bytes: number): string => `${(bytes / MiB).toFixed(1)} MiB`;
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The command line that runs `argv` on CPU `cpu` alone (with `taskset`, which execs it: the
 * process id stays the program's), or `argv` as it is when no CPU is given.
 */
export function pinned(cpu: number | undefined, argv: readonly string[]): [string, string[]] {
  if (cpu === undefined) return [argv[0] as string, argv.slice(1)];
  return ["taskset", ["--cpu-list", String(cpu), ...argv]];
}
