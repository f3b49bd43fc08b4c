import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it, vi } from "vitest";
import { WebSocket } from "ws";
import { chatMessage } from "./_chat.js";

const root = fileURLToPath(new URL("../../..", import.meta.url));
/** The README's start command (the install before it has been run by whoever runs the tests). */
const START = "npx -y pnpm@9 start";

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

/**
 * A member on an address of its own (the chat limits each address) that, once started, says a
 * burst of 10 numbered lines (the chat's burst allowance), then 4 a second, and counts its own
 * lines coming back.
 */
function talker(base: string, room: string, name: string, localAddress: string) {
  const ws = new WebSocket(`ws://${base}/chat/${room}?name=${name}`, { localAddress });
  let said = 0;
  let heard = 0;
  let inOrder = true;
  ws.on("message", (data: Buffer) => {
    const message = chatMessage(data.toString());
    if (message?.type !== "message" || message.from !== name) return;
    if (message.text !== `${name} ${heard}`) inOrder = false;
    heard++;
  });
  const opened = new Promise((resolve) => ws.once("open", resolve));
  const closed = new Promise<number>((resolve) => ws.on("close", (code) => resolve(code)));
  const say = (lines: number) => {
    for (let i = 0; i < lines && ws.readyState === WebSocket.OPEN; i++) {
      ws.send(JSON.stringify({ type: "message", text: `${name} ${said++}` }));
    }
  };
  const start = () => {
    say(10);
    const pump = setInterval(() => say(1), 250);
    void closed.then(() => clearInterval(pump));
  };
  return { opened, closed, start, heard: () => heard, inOrder: () => inOrder };
}

describe("examples/chat started with the README's command", () => {
  it("drains on SIGTERM to its whole process group amid a burst: 50 clients get 1001, every message received is answered", async () => {
    const child = spawn("sh", ["-c", START], {
      cwd: root,
      env: { ...process.env, PORT: "0", HOST: "127.0.0.1" },
      stdio: ["ignore", "pipe", "inherit"],
      detached: true,
    });
    groups.push(child.pid as number);
    let out = "";
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    const base = await new Promise<string>((resolve, reject) => {
      child.stdout.on("data", (chunk: Buffer) => {
        out += chunk.toString();
        const match = /open http:\/\/([\d.]+:\d+)\//.exec(out);
        if (match?.[1]) resolve(match[1]);
      });
      child.on("exit", () => reject(new Error(`the example exited early:\n${out}`)));
    });
    const talkers = Array.from({ length: 50 }, (_, i) => talker(base, `room${i % 10}`, `t${i}`, `127.0.1.${i + 1}`));
    await Promise.all(talkers.map((t) => t.opened));
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    for (const t of talkers) t.start();
    // The signal arrives while the server works through the 500 lines of the bursts.
    await new Promise((resolve) => setTimeout(resolve, 15));
    process.kill(-(child.pid as number), "SIGTERM");
    const codes = await Promise.all(talkers.map((t) => t.closed));
    expect(codes).toEqual(talkers.map(() => 1001));
    // The shells between pnpm and node die of the signal at once; node exits 0 once it has closed.
    await exited;
    await vi.waitFor(() => expect(out).toMatch(/closed; \d+ messages/), { timeout: 10_000 });
    const answered = /closed; (\d+) messages received and answered/.exec(out);
    const heard = talkers.reduce((sum, t) => sum + t.heard(), 0);
    expect(heard).toBeGreaterThan(0);
    expect(Number(answered?.[1])).toBe(heard);
    for (const t of talkers) expect(t.inOrder()).toBe(true);
  });
});
