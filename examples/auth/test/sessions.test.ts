import { signSession, unsignSession } from "@scallion/middleware";
import { afterEach, describe, expect, it, vi } from "vitest";
import { SESSION_SECONDS } from "../src/session.js";
import { CredentialStore } from "../src/store.js";
import { demoUsers, SESSION_STORE, TOKEN_STORE } from "../src/users.js";
import type { RunningAuth } from "./_auth.js";
import { greeting, login, SECRET, startAuth, talk } from "./_auth.js";

let server: RunningAuth | undefined;
afterEach(async () => {
  vi.useRealTimers();
  await server?.close();
  server = undefined;
});

/** The session value a login's cookie carries, signature and issued-at removed. */
function valueOf(cookie: string): string {
  const session = unsignSession(decodeURIComponent(cookie.slice("session=".length)), SECRET);
  if (session === undefined) throw new Error(`not a session cookie: ${cookie}`);
  return session.value;
}

describe("examples/auth sessions", () => {
  it("expire on the server after SESSION_SECONDS, whatever the browser keeps", async () => {
    server = await startAuth();
    const { cookie } = await login(server.base, "ann", "ann-password");
    expect(await greeting(server.base, cookie)).toBe("Hello, Ann!");
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + (SESSION_SECONDS + 1) * 1000);
    expect(await greeting(server.base, cookie)).toBe(4401);
  });

  it("refuse a cookie whose signed issued-at is too old, though its session id is still held", async () => {
    server = await startAuth();
    const { cookie } = await login(server.base, "ann", "ann-password");
    const old = signSession(valueOf(cookie), SECRET, { issuedAt: Date.now() - (SESSION_SECONDS + 1) * 1000 });
    expect(await greeting(server.base, `session=${old}`)).toBe(4401);
    // Re-signed as issued now, the same session is fine: the age is what was refused.
    expect(await greeting(server.base, `session=${signSession(valueOf(cookie), SECRET)}`)).toBe("Hello, Ann!");
  });

  it("refuse a correctly signed cookie naming a session the server never started", async () => {
    server = await startAuth();
    expect(await greeting(server.base, `session=${signSession("made-up-id:ann", SECRET)}`)).toBe(4401);
    expect(await greeting(server.base, `session=${signSession("ann", SECRET)}`)).toBe(4401);
  });

  it("are revoked at logout: the old cookie is refused, wherever it was copied to; other sessions live on", async () => {
    server = await startAuth();
    const first = await login(server.base, "ann", "ann-password");
    const second = await login(server.base, "ann", "ann-password");
    const logout = await fetch(`http://${server.base}/logout`, {
      method: "POST",
      headers: { Cookie: first.cookie, Authorization: `Bearer ${first.body?.token}` },
    });
    expect(logout.status).toBe(204);
    expect(await greeting(server.base, first.cookie)).toBe(4401);
    expect(await talk(server.base, "/api/ws", { Authorization: `Bearer ${first.body?.token}` })).toMatchObject({ status: 401 });
    expect(await greeting(server.base, second.cookie)).toBe("Hello, Ann!");
    expect((await talk(server.base, "/api/ws", { Authorization: `Bearer ${second.body?.token}` })).messages).toEqual(["Hello, Ann!"]);
  });
});

describe("examples/auth's session and token stores", () => {
  it("stay within their bounds under a flood of logins, and one account's flood does not push out another's sessions", async () => {
    const bounds = { ttl: 60_000, max: 8, perUser: 4 };
    server = await startAuth(demoUsers({ sessions: bounds, tokens: bounds }));
    const bob = await login(server.base, "bob", "bob-password");
    const first = await login(server.base, "ann", "ann-password");
    let last = first;
    for (let i = 0; i < 200; i++) {
      last = await login(server.base, "ann", "ann-password");
      expect(server.users.sessions.size).toBeLessThanOrEqual(bounds.max);
      expect(server.users.tokens.size).toBeLessThanOrEqual(bounds.max);
    }
    expect(server.users.sessions.size).toBe(1 + bounds.perUser);
    expect(await greeting(server.base, first.cookie)).toBe(4401);
    expect(await greeting(server.base, last.cookie)).toBe("Hello, Ann!");
    expect(await greeting(server.base, bob.cookie)).toBe("Hello, Bob!");
    expect((await talk(server.base, "/api/ws", { Authorization: `Bearer ${bob.body?.token}` })).messages).toEqual(["Hello, Bob!"]);
  });

  it("hold 16 sessions per user by default", async () => {
    server = await startAuth();
    for (let i = 0; i < 40; i++) await login(server.base, "ann", "ann-password");
    expect(server.users.sessions.size).toBe(SESSION_STORE.perUser);
    expect(server.users.tokens.size).toBe(TOKEN_STORE.perUser);
  });

  it("drop the oldest of all at max, expire entries after ttl, and sweep them", () => {
    vi.useFakeTimers({ toFake: ["Date"], now: 0 });
    const store = new CredentialStore({ ttl: 1_000, max: 3, perUser: 3 });
    const [a, b, c, d] = ["u1", "u2", "u3", "u4"].map((user) => store.issue(user)) as [string, string, string, string];
    expect(store.size).toBe(3);
    expect([a, b, c, d].map((id) => store.userOf(id))).toEqual([undefined, "u2", "u3", "u4"]);
    vi.setSystemTime(1_000);
    expect(store.userOf(b)).toBeUndefined();
    store.issue("u5"); // sweeps what has expired
    expect(store.size).toBe(1);
    expect(store.revoke(c)).toBe(false);
  });

  it("throws naming a bad bound", () => {
    expect(() => new CredentialStore({ ttl: 0, max: 1, perUser: 1 })).toThrow(/option "ttl"/);
    expect(() => new CredentialStore({ ttl: 1, max: 1.5, perUser: 1 })).toThrow(/option "max"/);
    expect(() => new CredentialStore({ ttl: 1, max: 1, perUser: 0 })).toThrow(/option "perUser"/);
  });
});
