import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { WebSocket } from "ws";

const main = fileURLToPath(new URL("../src/main.ts", import.meta.url));

describe("examples/auth process", () => {
  it("serves login and WebSocket on one port, and exits 0 on SIGTERM", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", "--conditions=@scallion/source", main], {
      env: { ...process.env, PORT: "0", HOST: "127.0.0.1", SESSION_SECRET: "one,two" },
      stdio: ["ignore", "pipe", "inherit"],
    });
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    const base = await new Promise<string>((resolve, reject) => {
      let out = "";
      child.stdout.on("data", (chunk: Buffer) => {
        out += chunk.toString();
        const match = /http:\/\/([\d.]+:\d+)\//.exec(out);
        if (match?.[1]) resolve(match[1]);
      });
      child.on("exit", () => reject(new Error(`example exited early:\n${out}`)));
    });
    const response = await fetch(`http://${base}/login`, { method: "POST", body: new URLSearchParams({ name: "ann", password: "ann-password" }) });
    const cookie = (response.headers.get("set-cookie") ?? "").split(";")[0] as string;
    const ws = new WebSocket(`ws://${base}/ws`, { headers: { Cookie: cookie } });
    const greeting = await new Promise<string>((resolve, reject) => {
      ws.once("message", (data: Buffer) => resolve(data.toString()));
      ws.once("error", reject);
    });
    expect(greeting).toBe("Hello, Ann!");
    const closed = new Promise<number>((resolve) => ws.on("close", (code) => resolve(code)));
    child.kill("SIGTERM");
    expect(await closed).toBe(1001);
    expect(await exited).toBe(0);
  });
});
