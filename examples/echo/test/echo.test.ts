import { execFile, execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { serve } from "@scallion/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { app } from "../src/app.js";

const PYTHON = "/usr/bin/python3";

function hasPythonWebsockets(): boolean {
  try {
    execFileSync(PYTHON, ["-c", "import websockets"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

let server: Awaited<ReturnType<typeof serve>>;
beforeAll(async () => {
  server = await serve(app, { port: 0, logger: false });
});
afterAll(() => server.close());

function talk(path: string, send: (string | Buffer)[], replies: number) {
  return new Promise<{ messages: (string | number[])[]; code: number; reason: string }>((resolve, reject) => {
    const ws = new WebSocket(`${server.url}${path}`);
    const messages: (string | number[])[] = [];
    ws.on("open", () => send.forEach((m) => ws.send(m)));
    ws.on("message", (data: Buffer, isBinary) => {
      messages.push(isBinary ? [...data] : data.toString());
      if (messages.length === replies && path === "/echo") ws.close(1000);
    });
    ws.on("close", (code, reason) => resolve({ messages, code, reason: reason.toString() }));
    ws.on("error", reject);
  });
}

describe("examples/echo", () => {
  it("/echo sends text back as text and binary as binary, in order", async () => {
    const result = await talk("/echo", ["one", Buffer.from([1, 2]), "three"], 3);
    expect(result.messages).toEqual(["one", [1, 2], "three"]);
  });

  it("/shout answers @ECHO, and after exit says bye and closes with 1001", async () => {
    const result = await talk("/shout", ["hi", "exit"], 3);
    expect(result).toEqual({ messages: ["@ECHO: hi", "@ECHO: exit", "bye"], code: 1001, reason: "bye" });
  });

  it("other paths get HTTP 404 without an upgrade", async () => {
    const status = await new Promise<number | undefined>((resolve) => {
      const ws = new WebSocket(`${server.url}/nope`);
      ws.on("unexpected-response", (_req, res) => resolve(res.statusCode));
      ws.on("error", () => resolve(undefined));
    });
    expect(status).toBe(404);
  });

  it.skipIf(!hasPythonWebsockets())(
    "works with an independent client (Python websockets; skipped without Debian's python3-websockets)",
    async () => {
      const script = fileURLToPath(new URL("./python-client.py", import.meta.url));
      const output = await new Promise<string>((resolve, reject) =>
        execFile(PYTHON, [script, server.url], { timeout: 15_000 }, (error, stdout, stderr) =>
          error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout),
        ),
      );
      expect(JSON.parse(output)).toEqual({
        text: "hello 🧅",
        binary: [0, 1, 255],
        echo_close: [4000, "done"],
        shout: ["@ECHO: hi", "@ECHO: exit", "bye"],
        shout_close: [1001, "bye"],
        nope: 404,
      });
    },
  );
});
