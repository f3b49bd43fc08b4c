import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { pinned } from "../_process.js";
import type { LoadRequest, Metrics } from "./main.js";

const MAIN = fileURLToPath(new URL("main.ts", import.meta.url));

/** Runs the load generator in a process of its own (pinned to `cpu` if given) and returns the metrics it printed. */
export function runLoad(request: LoadRequest, cpu?: number): Promise<Metrics> {
  const [command, args] = pinned(cpu, [process.execPath, "--import", "tsx", MAIN, JSON.stringify(request)]);
  const child = spawn(command, args, {
    stdio: ["ignore", "pipe", "inherit"],
  });
  let out = "";
  child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.once("exit", (code) => {
      if (code === 0) resolve(JSON.parse(out.trim().split("\n").at(-1) ?? "{}") as Metrics);
      else reject(new Error(`load generator exited with ${code}:\n${out}`));
    });
  });
}
