import type { Server } from "node:http";
import { createServer, request } from "node:http";
import { gunzipSync, gzipSync } from "node:zlib";
import { afterEach, describe, expect, it } from "vitest";
import { clientScript, clientScriptHandler } from "../src/serve.js";

let http: Server | undefined;
afterEach(async () => {
  await new Promise((resolve) => http?.close(resolve) ?? resolve(undefined));
  http = undefined;
});

/** Serves `clientScriptHandler(options)` with a fallback that answers 404; returns its base URL. */
async function serveScripts(options?: Parameters<typeof clientScriptHandler>[0]): Promise<string> {
  const scripts = clientScriptHandler(options);
  http = createServer((req, res) => {
    if (!scripts(req, res)) res.writeHead(404).end("fallback");
  });
  await new Promise<void>((resolve) => http!.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(http.address() as { port: number }).port}`;
}

interface Response {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

function get(url: string, headers: Record<string, string> = {}, method = "GET"): Promise<Response> {
  return new Promise((resolve, reject) => {
    request(url, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    })
      .on("error", reject)
      .end();
  });
}

describe("the browser build", () => {
  it("is one small ES module with no imports, no ws and no zod", async () => {
    const esm = await clientScript("esm");
    expect(esm).not.toMatch(/\bimport\s*[("{*]|\bfrom\s*["']/);
    expect(esm).not.toMatch(/["']ws["']|zod/);
    expect(esm).toMatch(/export\s*\{/);
    expect(gzipSync(esm).length).toBeLessThan(6 * 1024);
  });

  it("has a classic-script variant that defines the global Scallion", async () => {
    const iife = await clientScript("iife");
    const scope: { Scallion?: Record<string, unknown>; WebSocket?: unknown } = {};
    new Function("globalThis", `${iife};globalThis.Scallion = Scallion;`)(scope);
    expect(Object.keys(scope.Scallion!)).toEqual(expect.arrayContaining(["connect", "createClient", "json", "ClientError"]));
  });
});

describe("clientScriptHandler", () => {
  it("serves the module at /scallion-client.js as JavaScript", async () => {
    const base = await serveScripts();
    const res = await get(`${base}/scallion-client.js?v=1`);
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe("text/javascript; charset=utf-8");
    expect(res.body.toString()).toBe(await clientScript("esm"));
  });

  it("serves the classic script at /scallion-client.global.js", async () => {
    const base = await serveScripts();
    const res = await get(`${base}/scallion-client.global.js`);
    expect(res.body.toString()).toBe(await clientScript("iife"));
  });

  it("gzips when the client accepts it", async () => {
    const base = await serveScripts();
    const res = await get(`${base}/scallion-client.js`, { "accept-encoding": "gzip, br" });
    expect(res.headers["content-encoding"]).toBe("gzip");
    expect(gunzipSync(res.body).toString()).toBe(await clientScript("esm"));
  });

  it("answers 304 to a matching If-None-Match, and HEAD without a body", async () => {
    const base = await serveScripts();
    const { headers } = await get(`${base}/scallion-client.js`);
    expect(headers.etag).toMatch(/^"[\w-]+"$/);
    expect((await get(`${base}/scallion-client.js`, { "if-none-match": String(headers.etag) })).status).toBe(304);
    const head = await get(`${base}/scallion-client.js`, {}, "HEAD");
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
  });

  it("refuses other methods with 405", async () => {
    const base = await serveScripts();
    const res = await get(`${base}/scallion-client.js`, {}, "POST");
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe("GET, HEAD");
  });

  it("leaves every other path to the next handler, and serves at a custom path", async () => {
    const base = await serveScripts({ path: "/assets/client.js" });
    expect((await get(`${base}/`)).body.toString()).toBe("fallback");
    expect((await get(`${base}/scallion-client.js`)).status).toBe(404);
    expect((await get(`${base}/assets/client.js`)).status).toBe(200);
  });

  it("calls next for requests it does not take, as Express middleware", () => {
    const calls: string[] = [];
    const handled = clientScriptHandler()({ url: "/other", method: "GET" } as never, {} as never, () => calls.push("next"));
    expect(handled).toBe(false);
    expect(calls).toEqual(["next"]);
  });
});
