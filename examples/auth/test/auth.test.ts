import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { attach } from "@scallion/core";
import { signCookie } from "@scallion/middleware";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { createApp } from "../src/app.js";
import { createHttpHandler } from "../src/http.js";
import { demoUsers } from "../src/users.js";

const SECRET = "test secret, not for production";
let base: string;
let close: () => Promise<void>;

beforeAll(async () => {
  const users = demoUsers();
  const http = createServer(createHttpHandler(users, SECRET));
  const ws = attach(createApp(users, SECRET), http);
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  base = `127.0.0.1:${(http.address() as AddressInfo).port}`;
  close = async () => {
    await ws.close({ timeout: 500 });
    http.closeAllConnections();
    await new Promise((resolve) => http.close(resolve));
  };
});
afterAll(() => close());

async function login(name: string, password: string, json = false) {
  const response = await fetch(`http://${base}/login`, {
    method: "POST",
    headers: { "Content-Type": json ? "application/json" : "application/x-www-form-urlencoded" },
    body: json ? JSON.stringify({ name, password }) : new URLSearchParams({ name, password }).toString(),
  });
  const cookie = response.headers.get("set-cookie") ?? "";
  return { status: response.status, cookie, body: response.ok ? ((await response.json()) as { token: string }) : undefined };
}

type Outcome = { messages: string[]; close?: { code: number; reason: string }; status?: number };

/** Connects, sends `say`, and collects what happens until the socket closes or `expect` messages arrive. */
function talk(path: string, headers: Record<string, string>, say: string[] = [], expected = 1 + say.length): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://${base}${path}`, { headers });
    const messages: string[] = [];
    ws.on("open", () => say.forEach((m) => ws.send(m)));
    ws.on("message", (data: Buffer) => {
      messages.push(data.toString());
      if (messages.length === expected) ws.close();
    });
    ws.on("close", (code, reason) => resolve({ messages, close: { code, reason: reason.toString() } }));
    ws.on("unexpected-response", (_req, res) => {
      res.resume();
      resolve({ messages, status: res.statusCode });
    });
    ws.on("error", (error) => (error.message.startsWith("Unexpected server response") ? undefined : reject(error)));
  });
}

describe("examples/auth", () => {
  it("POST /login sets a signed, HttpOnly, SameSite=Lax session cookie and answers a token", async () => {
    const { status, cookie, body } = await login("ann", "ann-password");
    expect(status).toBe(200);
    expect(cookie).toMatch(/^session=ann\.[\w-]+; Path=\/; HttpOnly; SameSite=Lax; Max-Age=\d+$/);
    expect(body?.token).toMatch(/^[\w-]{32}$/);
  });

  it("/ws greets the signed-in user by name and answers in their name", async () => {
    const { cookie } = await login("ann", "ann-password", true);
    const result = await talk("/ws", { Cookie: cookie.split(";")[0] as string, Origin: `http://${base}` }, ["hi"]);
    expect(result.messages).toEqual(["Hello, Ann!", "Ann: hi"]);
  });

  it("/ws closes with 4401 for no, unsigned or tampered cookies", async () => {
    const forged = signCookie("bob", "guessed secret");
    for (const cookie of [undefined, "session=bob", `session=${forged}`, "session=bob.%E0%A4%A"]) {
      const result = await talk("/ws", cookie === undefined ? {} : { Cookie: cookie });
      expect(result, String(cookie)).toEqual({ messages: [], close: { code: 4401, reason: "unauthorized" } });
    }
  });

  it("/ws refuses pages of other origins with 403, other ports of this host too, even with a valid cookie", async () => {
    const { cookie } = await login("bob", "bob-password");
    const session = cookie.split(";")[0] as string;
    expect(await talk("/ws", { Cookie: session, Origin: "https://evil.example" })).toEqual({ messages: [], status: 403 });
    expect(await talk("/ws", { Cookie: session, Origin: "http://localhost:5173" })).toEqual({ messages: [], status: 403 });
    expect((await talk("/ws", { Cookie: session, Origin: `http://${base}` })).messages).toEqual(["Hello, Bob!"]);
  });

  it("/api/ws takes the token as a bearer header or a query parameter, and refuses others with 401", async () => {
    const { body } = await login("bob", "bob-password");
    const token = body?.token as string;
    expect((await talk("/api/ws", { Authorization: `Bearer ${token}` })).messages).toEqual(["Hello, Bob!"]);
    expect((await talk(`/api/ws?token=${token}`, {})).messages).toEqual(["Hello, Bob!"]);
    expect(await talk("/api/ws", { Authorization: "Bearer not-a-token" })).toEqual({ messages: [], status: 401 });
    expect(await talk("/api/ws", { Authorization: "Bearer " })).toEqual({ messages: [], status: 401 });
    // A session cookie is not a token.
    expect(await talk("/api/ws?token=bob", {})).toEqual({ messages: [], status: 401 });
  });

  it("refuses wrong passwords and malformed logins with 401, and unknown paths with 404", async () => {
    expect((await login("ann", "wrong")).status).toBe(401);
    expect((await login("nobody", "ann-password")).status).toBe(401);
    const malformed = await fetch(`http://${base}/login`, { method: "POST", headers: { "Content-Type": "application/json" }, body: "{" });
    expect(malformed.status).toBe(401);
    expect((await fetch(`http://${base}/login`)).status).toBe(405);
    expect(await talk("/nope", {})).toEqual({ messages: [], status: 404 });
  });

  it("serves a page to try it in a browser, and POST /logout expires the cookie", async () => {
    const page = await fetch(`http://${base}/`);
    expect(await page.text()).toContain('new WebSocket(location.origin.replace(/^http/, "ws") + "/ws")');
    const logout = await fetch(`http://${base}/logout`, { method: "POST" });
    expect(logout.headers.get("set-cookie")).toMatch(/^session=\.[\w-]+; Path=\/; HttpOnly; SameSite=Lax; Max-Age=0$/);
  });
});
