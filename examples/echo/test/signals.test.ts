import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { WebSocket } from "ws";

const main = fileURLToPath(new URL("../src/main.ts", import.meta.url));

/** Starts the example as its own process on a free port; resolves with the process and its URL. */
function startExample() {
  const child = spawn(process.execPath, ["--import", "tsx", "--conditions=@scallion/source", main], {
    env: { ...process.env, PORT: "0", HOST: "127.0.0.1" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const url = new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const match = /(ws:\/\/[\d.]+:\d+)\/echo/.exec(out);
      if (match?.[1]) resolve(match[1]);
    });
    child.on("exit", () => reject(new Error(`example exited early:\n${out}`)));
  });
  return { child, url, exited };
}

describe("examples/echo process", () => {
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    it(`shuts down gracefully on ${signal}: clients get 1001 and the process exits 0`, async () => {
      const { child, url, exited } = startExample();
      const ws = new WebSocket(`${await url}/echo`);
      await new Promise((resolve) => ws.on("open", resolve));
      ws.send("before the signal");
      await new Promise((resolve) => ws.once("message", resolve));
      const closed = new Promise<number>((resolve) => ws.on("close", (code) => resolve(code)));
      child.kill(signal);
      expect(await closed).toBe(1001);
      expect(await exited).toBe(0);
    });
  }
});
