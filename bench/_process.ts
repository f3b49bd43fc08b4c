import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";

/** A server under test, run as its own Node process so its memory can be read from /proc. */
export interface ServerProcess {
  readonly child: ChildProcess;
  readonly port: number;
  /** Resident set size now, in bytes. */
  rss(): number;
  stop(): Promise<void>;
}

/**
 * Starts `script` (TypeScript, run through tsx) with PORT=0 and waits for the URL it prints.
 * `nodeArgs` go after tsx and before the script, e.g. `--expose-gc` or `--cpu-prof`; `cpu` pins
 * the process to that CPU (see {@link pinned}).
 */
export function startServer(
  script: string,
  env: Record<string, string> = {},
  nodeArgs: readonly string[] = [],
  cpu?: number,
): Promise<ServerProcess> {
  const [command, args] = pinned(cpu, [process.execPath, "--import", "tsx", "--conditions=@scallion/source", ...nodeArgs, script]);
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
