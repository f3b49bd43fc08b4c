import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it, vi } from "vitest";
import { join } from "./_chat.js";

const CLUSTER = fileURLToPath(new URL("../src/cluster.ts", import.meta.url));

const running: ChildProcess[] = [];
afterEach(() => {
  for (const child of running.splice(0)) if (child.exitCode === null) child.kill("SIGKILL"); // its workers follow it
});

describe("examples/chat on two node:cluster workers", () => {
  it("shares rooms, members and lines across the workers, and closes every worker gracefully on SIGTERM", async () => {
    const primary = spawn(process.execPath, ["--conditions=@scallion/source", "--import", "tsx", CLUSTER], {
      env: { ...process.env, WORKERS: "2", PORT: "0", HOST: "127.0.0.1" },
      stdio: ["ignore", "pipe", "inherit"],
    });
    running.push(primary);
    let out = "";
    primary.stdout?.on("data", (chunk: Buffer) => (out += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => primary.once("exit", resolve));
    await vi.waitFor(() => expect(out.match(/, worker \d+\n/g)).toHaveLength(2), { timeout: 15_000 });
    const base = /open http:\/\/([\d.]+:\d+)\//.exec(out)?.[1] as string;
    // The primary hands connections to the workers in turn: these two land on different ones.
    const ann = await join(base, "/chat/lobby?name=ann");
    await ann.saw({ type: "join", from: "ann", members: 1 });
    const bob = await join(base, "/chat/lobby?name=bob");
    await bob.saw({ type: "join", from: "bob", members: 2 });
    await ann.saw({ type: "join", from: "bob", members: 2 });
    bob.say("across workers");
    await ann.saw({ type: "message", from: "bob", text: "across workers" });
    primary.kill("SIGTERM");
    expect(await ann.closed).toMatchObject({ code: 1001 });
    expect(await bob.closed).toMatchObject({ code: 1001 });
    expect(await exited).toBe(0);
    expect(out.match(/closed; \d+ messages received and answered/g)).toHaveLength(2);
  });
});
