import { execFile, spawn } from "node:child_process";
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
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

  it("says in one line that its port is taken, and exits 1", async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
    const { port } = taken.address() as AddressInfo;
    const args = ["--import", "tsx", "--conditions=@scallion/source", main];
    const env = { ...process.env, PORT: String(port), HOST: "127.0.0.1" };
    const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((resolve) =>
      execFile(process.execPath, args, { env }, (error, _stdout, stderr) => resolve({ code: error ? (error.code as number) : 0, stderr })),
    );
    taken.close();
    expect(code).toBe(1);
    expect(stderr).toBe(`echo example: 127.0.0.1:${port} is already in use; pick another port with PORT=…\n`);
  });
});
