import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer } from "node:net";

/**
 * A throwaway redis-server for tests: `startRedis()` runs Debian's `redis-server` on a free
 * loopback port without persistence; `hasRedis` says whether it is installed, so a suite can
 * skip (with a clear message) where it is not.
 */

export const REDIS_SERVER = "/usr/bin/redis-server";

/** Whether `redis-server` is installed; when not, this warns once, naming the package to install. */
export const hasRedis = existsSync(REDIS_SERVER);
if (!hasRedis) console.warn(`Redis tests skipped: ${REDIS_SERVER} not found (apt-get install redis-server)`);

/** A redis-server of the test's own on a free loopback port, without persistence. */
export interface TestRedis {
  readonly url: string;
  stop(): Promise<void>;
  /** Stops and starts it again on the same port, empty. */
  restart(): Promise<void>;
  /** Freezes it (SIGSTOP): connections stay open and nothing is answered, as on a hung server. */
  pause(): void;
  /** Lets a paused server go on (SIGCONT). */
  resume(): void;
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

function launch(port: number): Promise<ChildProcess> {
  const child = spawn(
    REDIS_SERVER,
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--protected-mode", "no"],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes("Ready to accept connections")) {
        child.stdout?.removeAllListeners("data");
        child.stdout?.resume();
        resolve(child);
      }
    });
    child.once("exit", (code) => reject(new Error(`redis-server exited with ${code}:\n${out}`)));
  });
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve(); // already gone
    child.once("exit", () => resolve());
    child.kill("SIGKILL");
  });
}

/** Starts a redis-server on a free loopback port and waits until it accepts connections. */
export async function startRedis(): Promise<TestRedis> {
  const port = await freePort();
  let child = await launch(port);
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: () => stop(child),
    async restart() {
      await stop(child);
      child = await launch(port);
    },
    pause: () => void child.kill("SIGSTOP"),
    resume: () => void child.kill("SIGCONT"),
  };
}
