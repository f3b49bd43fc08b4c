import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Handler, Server } from "@scallion/core";
import { send, serve } from "@scallion/core";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { WebSocket } from "ws";
import { app } from "../src/app.js";

const NGINX = "/usr/sbin/nginx";
const installed = existsSync(NGINX);
if (!installed) console.warn(`nginx tests skipped: ${NGINX} not found (apt-get install nginx)`);

/** The `location` block of docs/deployment.md, exactly as documented. */
function documentedLocation(upstreamPort: number): string {
  const doc = readFileSync(fileURLToPath(new URL("../../../docs/deployment.md", import.meta.url)), "utf8");
  const block = /<!-- tested: nginx-location -->\s*```nginx\n([\s\S]*?)```/.exec(doc)?.[1];
  if (block === undefined) throw new Error("docs/deployment.md lost its tested nginx block");
  return block.replace("127.0.0.1:8080", `127.0.0.1:${upstreamPort}`);
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** The echo example, plus a route that tells the client the address the app saw. */
const withWhoami: Handler = (scope, receiver) =>
  scope.path === "/whoami"
    ? (async function* () {
        yield send(scope.address);
      })()
    : app(scope, receiver);

describe.skipIf(!installed)("examples/echo behind a real nginx", () => {
  let server: Server;
  let nginx: ChildProcess;
  let dir: string;
  let base: string;

  beforeAll(async () => {
    server = await serve(withWhoami, { port: 0, logger: false, trustProxy: 1 });
    const port = await freePort();
    dir = mkdtempSync(join(tmpdir(), "scallion-nginx-"));
    const conf = join(dir, "nginx.conf");
    writeFileSync(
      conf,
      `daemon off;
master_process off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  server {
    listen 127.0.0.1:${port};
    ${documentedLocation(Number(server.address.port))}
  }
}
`,
    );
    nginx = spawn(NGINX, ["-p", dir, "-c", conf, "-e", `${dir}/error.log`], { stdio: "inherit" });
    await vi.waitFor(
      () =>
        new Promise<void>((resolve, reject) => {
          const socket = connect(port, "127.0.0.1", () => {
            socket.end();
            resolve();
          });
          socket.on("error", reject);
        }),
      { timeout: 10_000, interval: 50 },
    );
    base = `ws://127.0.0.1:${port}/ws`;
  });

  afterAll(async () => {
    nginx?.kill("SIGTERM");
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("echoes text and binary through the proxy under a path prefix", async () => {
    const ws = new WebSocket(`${base}/echo`);
    const replies: (string | number[])[] = [];
    await new Promise((resolve) => ws.on("open", resolve));
    const done = new Promise<void>((resolve) =>
      ws.on("message", (data: Buffer, isBinary) => {
        replies.push(isBinary ? [...data] : data.toString());
        if (replies.length === 2) resolve();
      }),
    );
    ws.send("through nginx");
    ws.send(Buffer.from([9, 8, 7]));
    await done;
    expect(replies).toEqual(["through nginx", [9, 8, 7]]);
    const closed = new Promise<number>((resolve) => ws.on("close", resolve));
    ws.close(1000);
    expect(await closed).toBe(1000);
  });

  it("passes the app's close codes and 404s through", async () => {
    const ws = new WebSocket(`${base}/shout`);
    await new Promise((resolve) => ws.on("open", resolve));
    const closed = new Promise<number>((resolve) => ws.on("close", resolve));
    ws.send("exit");
    expect(await closed).toBe(1001);
    const status = await new Promise<number | undefined>((resolve) => {
      const missing = new WebSocket(`${base}/nope`);
      missing.on("unexpected-response", (_req, res) => resolve(res.statusCode));
      missing.on("error", () => resolve(undefined));
    });
    expect(status).toBe(404);
  });

  it("gives the app the client's address when trustProxy is set, ignoring spoofed entries", async () => {
    // The client connects from 127.0.0.2, while nginx reaches the app from 127.0.0.1.
    const whoami = (headers: Record<string, string> = {}) =>
      new Promise<string>((resolve, reject) => {
        const ws = new WebSocket(`${base}/whoami`, { localAddress: "127.0.0.2", headers });
        ws.on("message", (data: Buffer) => resolve(data.toString()));
        ws.on("error", reject);
      });
    expect(await whoami()).toBe("127.0.0.2");
    // With one trusted hop, only the entry nginx appended counts, not what the client claimed.
    expect(await whoami({ "X-Forwarded-For": "6.6.6.6" })).toBe("127.0.0.2");
  });
});
