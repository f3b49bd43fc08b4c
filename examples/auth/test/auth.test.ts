import { signSession } from "@scallion/middleware";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningAuth } from "./_auth.js";
import { login, startAuth, talk } from "./_auth.js";

let server: RunningAuth;
let base: string;
beforeAll(async () => {
  server = await startAuth();
  base = server.base;
});
afterAll(() => server.close());

describe("examples/auth", () => {
  it("POST /login sets a signed, HttpOnly, SameSite=Lax session cookie and answers a token", async () => {
    const { status, setCookie, body } = await login(base, "ann", "ann-password");
    expect(status).toBe(200);
    // <session id>:<name>, its issued-at, its signature; 8 hours for the browser.
    expect(setCookie).toMatch(/^session=[\w-]{32}%3Aann\.\d{10}\.[\w-]{43}; Path=\/; HttpOnly; SameSite=Lax; Max-Age=28800$/);
    expect(body?.token).toMatch(/^[\w-]{32}$/);
  });

  it("/ws greets the signed-in user by name and answers in their name", async () => {
    const { cookie } = await login(base, "ann", "ann-password", { json: true });
    const result = await talk(base, "/ws", { Cookie: cookie, Origin: `http://${base}` }, ["hi"]);
    expect(result.messages).toEqual(["Hello, Ann!", "Ann: hi"]);
  });

  it("/ws closes with 4401 for no, unsigned or tampered cookies", async () => {
    const { cookie } = await login(base, "bob", "bob-password");
    const value = decodeURIComponent(cookie.slice("session=".length));
    const forged = signSession(value.slice(0, value.lastIndexOf(".", value.lastIndexOf(".") - 1)), "guessed secret");
    for (const c of [undefined, "session=bob", `session=${forged}`, "session=bob.%E0%A4%A", `session=${value.replace(":bob.", ":ann.")}`]) {
      const result = await talk(base, "/ws", c === undefined ? {} : { Cookie: c });
      expect(result, String(c)).toEqual({ messages: [], close: { code: 4401, reason: "unauthorized" } });
    }
  });

  it("/ws refuses pages of other origins with 403, other ports of this host too, even with a valid cookie", async () => {
    const { cookie } = await login(base, "bob", "bob-password");
    expect(await talk(base, "/ws", { Cookie: cookie, Origin: "https://evil.example" })).toEqual({ messages: [], status: 403 });
    expect(await talk(base, "/ws", { Cookie: cookie, Origin: "http://localhost:5173" })).toEqual({ messages: [], status: 403 });
    expect((await talk(base, "/ws", { Cookie: cookie, Origin: `http://${base}` })).messages).toEqual(["Hello, Bob!"]);
  });

  it("/api/ws takes the token as a bearer header or a query parameter, and refuses others with 401", async () => {
    const { body } = await login(base, "bob", "bob-password");
    const token = body?.token as string;
    expect((await talk(base, "/api/ws", { Authorization: `Bearer ${token}` })).messages).toEqual(["Hello, Bob!"]);
    expect((await talk(base, `/api/ws?token=${token}`, {})).messages).toEqual(["Hello, Bob!"]);
    expect(await talk(base, "/api/ws", { Authorization: "Bearer not-a-token" })).toEqual({ messages: [], status: 401 });
    expect(await talk(base, "/api/ws", { Authorization: "Bearer " })).toEqual({ messages: [], status: 401 });
    // A session cookie is not a token.
    expect(await talk(base, "/api/ws?token=bob", {})).toEqual({ messages: [], status: 401 });
  });

  it("refuses wrong passwords and malformed logins with 401, and unknown paths with 404", async () => {
    expect((await login(base, "ann", "wrong")).status).toBe(401);
    expect((await login(base, "nobody", "ann-password")).status).toBe(401);
    const malformed = await fetch(`http://${base}/login`, { method: "POST", headers: { "Content-Type": "application/json" }, body: "{" });
    expect(malformed.status).toBe(401);
    expect((await fetch(`http://${base}/login`)).status).toBe(405);
    expect(await talk(base, "/nope", {})).toEqual({ messages: [], status: 404 });
  });

  it("serves a page to try it in a browser, and POST /logout expires the cookie", async () => {
    const page = await fetch(`http://${base}/`);
    expect(await page.text()).toContain('new WebSocket(location.origin.replace(/^http/, "ws") + "/ws")');
    const logout = await fetch(`http://${base}/logout`, { method: "POST" });
    expect(logout.status).toBe(204);
    expect(logout.headers.get("set-cookie")).toMatch(/^session=\.\d{10}\.[\w-]+; Path=\/; HttpOnly; SameSite=Lax; Max-Age=0$/);
  });
});
