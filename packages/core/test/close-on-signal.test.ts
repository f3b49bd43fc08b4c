import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { closeOnSignal } from "../src/index.js";

const fixture = fileURLToPath(new URL("./fixtures/signal-server.ts", import.meta.url));

const groups: number[] = [];
afterEach(() => {
  for (const group of groups.splice(0)) {
    try {
      process.kill(-group, "SIGKILL");
    } catch {
      // Already gone.
    }
  }
});

/** Starts the fixture in a process group of its own, as a terminal or systemd would. */
function startFixture(env: Record<string, string> = {}) {
  const child = spawn(process.execPath, ["--import", "tsx", "--conditions=@scallion/source", fixture], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "inherit"],
    detached: true,
  });
  groups.push(child.pid as number);
  const lines: string[] = [];
  let buffer = "";
  const url = new Promise<string>((resolve, reject) => {
    child.stdout.on("data", (chunk: Buffer) => {
      buffer += chunk.toString();
      const parts = buffer.split("\n");
      buffer = parts.pop() ?? "";
      for (const line of parts) {
        lines.push(line);
        if (line.startsWith("ws://")) resolve(line);
      }
    });
    child.on("exit", () => reject(new Error(`fixture exited early: ${lines.join("\n")}`)));
  });
  const exited = new Promise<{ code: number | null; at: number }>((resolve) =>
    child.on("exit", (code) => resolve({ code, at: Date.now() })),
  );
  /** Signals the whole process group. */
  const signal = (name: NodeJS.Signals) => process.kill(-(child.pid as number), name);
  return { url, exited, signal, lines };
}

/** A client that sends as fast as the socket takes it, counting the answers. */
function streamer(url: string) {
  const ws = new WebSocket(url);
  let answered = 0;
  ws.on("message", () => answered++);
  const opened = new Promise((resolve) => ws.once("open", resolve));
  const closed = new Promise<number>((resolve) => ws.on("close", (code) => resolve(code)));
  const pump = setInterval(() => {
    if (ws.readyState === WebSocket.OPEN && ws.bufferedAmount < 4096) for (let i = 0; i < 20; i++) ws.send("x");
  }, 1);
  void closed.then(() => clearInterval(pump));
  return { opened, closed, answered: () => answered };
}

describe("closeOnSignal()", () => {
  it("drains under load though the group gets the signal three times: every client gets 1001, every message received is answered", async () => {
    const { url, exited, signal, lines } = startFixture();
    const base = await url;
    const clients = Array.from({ length: 20 }, () => streamer(`${base}/`));
    await Promise.all(clients.map((c) => c.opened));
    await new Promise((resolve) => setTimeout(resolve, 300));
    signal("SIGTERM");
    signal("SIGTERM");
    setTimeout(() => signal("SIGTERM"), 50);
    const codes = await Promise.all(clients.map((c) => c.closed));
    expect(codes).toEqual(clients.map(() => 1001));
    expect((await exited).code).toBe(0);
    const counters = JSON.parse(lines.find((line) => line.startsWith("{")) ?? "{}") as {
      messagesIn: number;
      messagesDiscarded: number;
    };
    const answered = clients.reduce((sum, c) => sum + c.answered(), 0);
    expect(answered).toBeGreaterThan(0);
    expect(answered).toBe(counters.messagesIn - counters.messagesDiscarded);
  });

  it("exits at once, with 128 + the signal's number, on a signal sent after the repeat window", async () => {
    const { url, exited, signal } = startFixture({ HANG: "1" });
    await url;
    signal("SIGINT");
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    const sent = Date.now();
    signal("SIGINT");
    const { code, at } = await exited;
    expect(code).toBe(130);
    expect(at - sent).toBeLessThan(1_000);
  });

  it("exits with 1 when close takes longer than its timeout", async () => {
    const { url, exited, signal } = startFixture({ HANG: "1", TIMEOUT: "300" });
    await url;
    signal("SIGTERM");
    expect((await exited).code).toBe(1);
  });

  it("checks its arguments", () => {
    expect(() => closeOnSignal(undefined as never)).toThrow(/close must be a function/);
    expect(() => closeOnSignal(async () => {}, { signals: ["SIGNOPE" as NodeJS.Signals] })).toThrow(/"signals"/);
    expect(() => closeOnSignal(async () => {}, { repeatWindow: -1 })).toThrow(/"repeatWindow"/);
  });
});
