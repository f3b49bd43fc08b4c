import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_BODY } from "../src/http.js";
import type { RunningAuth } from "./_auth.js";
import { greeting, login, startAuth } from "./_auth.js";

let server: RunningAuth;
beforeAll(async () => {
  server = await startAuth();
});
afterAll(() => server.close());

interface Answer {
  status?: number;
  body: string;
  /** A socket error the client saw before the request finished (ECONNRESET, EPIPE). */
  error?: string;
}

/** A raw node:http POST writing `chunks` (with a Content-Length unless `chunked`); settles when the request is over. */
function post(path: string, chunks: Buffer[], chunked = false): Promise<Answer> {
  const length = chunks.reduce((n, c) => n + c.length, 0);
  return new Promise((resolve) => {
    const answer: Answer = { body: "" };
    const req = request(`http://${server.base}${path}`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", ...(chunked ? {} : { "Content-Length": length }) },
    });
    req.on("response", (res) => {
      answer.status = res.statusCode;
      res.setEncoding("utf8").on("data", (text: string) => (answer.body += text));
    });
    req.on("error", (error: NodeJS.ErrnoException) => (answer.error = error.code ?? error.message));
    req.on("close", () => resolve(answer));
    for (const chunk of chunks) req.write(chunk);
    req.end();
  });
}

const form = (bytes: number) => Buffer.from(`name=ann&password=${"x".repeat(bytes)}`);

describe("examples/auth login body limit", () => {
  it("answers 413 to an oversized login body, and the client reads it instead of a reset", async () => {
    for (const [what, chunks, chunked] of [
      ["1 MiB, Content-Length", [form(1024 * 1024)], false],
      ["4 MiB, Content-Length", [form(4 * 1024 * 1024)], false],
      ["1 MiB, chunked", Array.from({ length: 16 }, () => form(64 * 1024)), true],
      ["just over the limit, chunked", [form(MAX_BODY)], true],
    ] as const) {
      expect(await post("/login", [...chunks], chunked), what).toEqual({ status: 413, body: "Payload Too Large\n" });
    }
    // The server is none the worse for it.
    expect((await login(server.base, "ann", "ann-password")).status).toBe(200);
  });

  it("reads a body up to the limit", async () => {
    const padded = Buffer.from(`name=ann&password=ann-password&pad=${"x".repeat(MAX_BODY - 40)}`);
    expect(padded.length).toBeLessThanOrEqual(MAX_BODY);
    expect(await post("/login", [padded])).toMatchObject({ status: 200 });
  });
});

describe("examples/auth login CSRF", () => {
  const own = () => `http://${server.base}`;

  it("refuses a login POSTed from a page of another origin with 403, and sets no cookie", async () => {
    const port = Number(server.base.split(":")[1]);
    for (const headers of <Record<string, string>[]>[
      { Origin: "https://evil.example" },
      { Origin: `http://127.0.0.1:${port + 1}` },
      { Origin: `http://localhost:${port}` },
      { Origin: "null" },
      { "Sec-Fetch-Site": "cross-site" },
      { "Sec-Fetch-Site": "same-site" },
    ]) {
      const refused = await login(server.base, "ann", "ann-password", { headers });
      expect(refused, JSON.stringify(headers)).toMatchObject({ status: 403, setCookie: "" });
    }
  });

  it("lets its own page, and clients that are no page at all, sign in", async () => {
    for (const headers of <Record<string, string>[]>[{ Origin: own() }, { Origin: own(), "Sec-Fetch-Site": "same-origin" }, {}, { "Sec-Fetch-Site": "none" }]) {
      const signedIn = await login(server.base, "ann", "ann-password", { headers });
      expect(signedIn.status, JSON.stringify(headers)).toBe(200);
      expect(await greeting(server.base, signedIn.cookie)).toBe("Hello, Ann!");
    }
  });

  it("refuses a cross-origin logout too, and the session lives on", async () => {
    const { cookie } = await login(server.base, "bob", "bob-password");
    const forced = await fetch(`${own()}/logout`, { method: "POST", headers: { Cookie: cookie, Origin: "https://evil.example" } });
    expect(forced.status).toBe(403);
    expect(await greeting(server.base, cookie)).toBe("Hello, Bob!");
  });
});
