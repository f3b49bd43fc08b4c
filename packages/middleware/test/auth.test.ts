import type { Handler, Scope } from "@scallion/core";
import { send } from "@scallion/core";
import { describe, expect, it, vi } from "vitest";
import { auth, bearer, compose, cookie, query, serializeSessionCookie, signCookie, signSession } from "../src/index.js";
import { firstMessage, openClient, statusOf } from "./_client.js";
import { noMessages, scopeFor } from "./_scope.js";
import { start } from "./_server.js";

const USERS: Readonly<Record<string, { name: string }>> = { t0ken: { name: "Ann" }, "abc.def-_~+/=": { name: "Bob" } };
const SECRET = "a secret of at least some length";

/** A server greeting `scope.user.name` behind `auth(options)`. */
async function greeter(options: Parameters<typeof auth>[0]) {
  return start(
    compose(auth(options))(async function* (scope) {
      const user = scope.user as { name: string };
      yield send(`hello ${user.name}`);
    }),
  );
}

describe("auth with bearer()", () => {
  it("puts what verify returns on scope.user", async () => {
    const server = await start(
      compose(auth({ verify: (token) => USERS[token] }))(async function* (scope) {
        yield send(`hello ${scope.user.name}`);
      }),
    );
    expect(await firstMessage(`${server.url}/`, { Authorization: "Bearer t0ken" })).toBe("hello Ann");
    expect(await firstMessage(`${server.url}/`, { Authorization: "bearer   abc.def-_~+/=  " })).toBe("hello Bob");
  });

  it("awaits an async verify, and messages then flow to the handler", async () => {
    const server = await start(
      compose(auth({ verify: async (token) => USERS[token] }))(async function* (scope, receiver) {
        for await (const m of receiver) yield send(`${scope.user.name}: ${String(m)}`);
      }),
    );
    const client = await openClient(`${server.url}/`, { Authorization: "Bearer t0ken" });
    client.send("one");
    client.send("two");
    expect([await client.receive(), await client.receive()]).toEqual(["Ann: one", "Ann: two"]);
    await client.close();
  });

  it("refuses with 401 and WWW-Authenticate: Bearer when verify finds no user", async () => {
    for (const verify of [() => undefined, () => null, () => false, async () => undefined]) {
      const server = await greeter({ verify });
      await expect(openClient(`${server.url}/`, { Authorization: "Bearer t0ken" })).rejects.toMatchObject({
        status: 401,
        headers: { "www-authenticate": "Bearer" },
      });
    }
  });

  it("refuses missing, empty, whitespace, malformed and oversized tokens without calling verify", async () => {
    const verify = vi.fn(() => ({ name: "never" }));
    const server = await greeter({ verify });
    const headers = [
      undefined,
      "",
      "Bearer",
      "Bearer    ",
      "Bearer a b",
      "Bearer tok\u00e9n",
      "Basic dXNlcjpwYXNz",
      "Bearer t0ken, Bearer other",
      "Token t0ken",
      `Bearer ${"a".repeat(5000)}`,
    ];
    for (const h of headers) {
      expect(await statusOf(`${server.url}/`, h === undefined ? {} : { Authorization: h }), String(h).slice(0, 30)).toBe(401);
    }
    expect(verify).not.toHaveBeenCalled();
  });

  it("counts a verify that throws or rejects as a failure, and keeps serving", async () => {
    for (const verify of [
      () => {
        throw new Error("jwt malformed");
      },
      () => Promise.reject(new Error("jwt expired")),
    ]) {
      const server = await greeter({ verify });
      expect(await statusOf(`${server.url}/`, { Authorization: "Bearer t0ken" })).toBe(401);
      expect(await statusOf(`${server.url}/`, { Authorization: "Bearer t0ken" })).toBe(401);
    }
  });

  it('closes with 4401 "unauthorized" after the upgrade with failWith: "close"', async () => {
    const server = await greeter({ verify: () => undefined, failWith: "close" });
    const client = await openClient(`${server.url}/`, { Authorization: "Bearer nope" });
    expect(await client.closed).toEqual({ code: 4401, reason: "unauthorized" });
    const anonymous = await openClient(`${server.url}/`);
    expect(await anonymous.closed).toEqual({ code: 4401, reason: "unauthorized" });
  });

  it("refuses a header too large for the server with 431, and goes on serving", async () => {
    const server = await greeter({ verify: (token) => USERS[token] });
    expect(await statusOf(`${server.url}/`, { Authorization: `Bearer ${"a".repeat(20_000)}` })).toBe(431);
    expect(await firstMessage(`${server.url}/`, { Authorization: "Bearer t0ken" })).toBe("hello Ann");
  });
});

describe("auth with query() and cookie()", () => {
  it("reads the token from the query string; empty or blank tokens are refused", async () => {
    const server = await greeter({ from: query("token"), verify: (token) => USERS[token] });
    expect(await firstMessage(`${server.url}/?token=t0ken`)).toBe("hello Ann");
    for (const q of ["", "?token=", "?token=%20%20", "?token=nope", "?other=t0ken", "?token=%E0%A4%A"]) {
      expect(await statusOf(`${server.url}/${q}`), q).toBe(401);
    }
  });

  it("reads a signed session cookie that serializeSessionCookie issued", async () => {
    const server = await greeter({ from: cookie("session", { secret: SECRET }), verify: (id) => USERS[id] });
    const setCookie = serializeSessionCookie("session", "t0ken", SECRET);
    const pair = setCookie.split(";")[0] as string;
    expect(await firstMessage(`${server.url}/`, { Cookie: `theme=dark; ${pair}; other=1` })).toBe("hello Ann");
  });

  it("refuses unsigned, tampered, foreign-secret and malformed cookies, and signed ones without an issued-at", async () => {
    const verify = vi.fn((id: string) => USERS[id]);
    const server = await greeter({ from: cookie("session", { secret: SECRET }), verify });
    const signed = signSession("t0ken", SECRET);
    const value = signed.slice(0, signed.lastIndexOf("."));
    const signature = signed.slice(signed.lastIndexOf(".") + 1);
    const flipped = `${signature.slice(0, -1)}${signature.endsWith("A") ? "B" : "A"}`;
    const cookies = [
      "session=t0ken",
      `session=abc.def-_~+/=.${signature}`,
      `session=${value}.${flipped}`,
      `session=${value}.${signature}x`,
      `session=${value}.`,
      `session=.${signature}`,
      `session=${signSession("t0ken", "another secret")}`,
      `session=${signCookie("t0ken", SECRET)}`,
      `session=${signCookie("t0ken.soon", SECRET)}`,
      "session=%E0%A4%A",
      "session=",
      "session",
      `Session=${signed}`,
      `session=${"x".repeat(5000)}.${signature}`,
      ";;;=;",
    ];
    for (const c of cookies) expect(await statusOf(`${server.url}/`, { Cookie: c }), c.slice(0, 40)).toBe(401);
    expect(verify).not.toHaveBeenCalled();
  });

  it("accepts cookies signed with any secret of a rotation list", async () => {
    const server = await greeter({ from: cookie("session", { secret: ["new secret", SECRET] }), verify: (id) => USERS[id] });
    expect(await firstMessage(`${server.url}/`, { Cookie: `session=${signSession("t0ken", SECRET)}` })).toBe("hello Ann");
    expect(await firstMessage(`${server.url}/`, { Cookie: `session=${signSession("t0ken", "new secret")}` })).toBe("hello Ann");
    expect(await statusOf(`${server.url}/`, { Cookie: `session=${signSession("t0ken", "retired secret")}` })).toBe(401);
  });

  it("refuses a session older than maxAge, and one issued in the future", async () => {
    const server = await greeter({ from: cookie("session", { secret: SECRET, maxAge: 60 }), verify: (id) => USERS[id] });
    const at = (ms: number) => `session=${signSession("t0ken", SECRET, { issuedAt: Date.now() + ms })}`;
    expect(await firstMessage(`${server.url}/`, { Cookie: at(-50_000) })).toBe("hello Ann");
    expect(await statusOf(`${server.url}/`, { Cookie: at(-62_000) })).toBe(401);
    expect(await statusOf(`${server.url}/`, { Cookie: at(5 * 60_000) })).toBe(401);
    // The same cookie expires as time passes: the age is checked on every handshake.
    const fresh = at(0);
    expect(await firstMessage(`${server.url}/`, { Cookie: fresh })).toBe("hello Ann");
    vi.useFakeTimers({ toFake: ["Date"] });
    try {
      vi.setSystemTime(Date.now() + 61_000);
      expect(await statusOf(`${server.url}/`, { Cookie: fresh })).toBe(401);
    } finally {
      vi.useRealTimers();
    }
  });

  it("takes the first valid cookie of that name, skipping a bad one before it", async () => {
    const server = await greeter({ from: cookie("session", { secret: SECRET }), verify: (id) => USERS[id] });
    const cookies = `session=forged.AAAA; session=${encodeURIComponent(signSession("t0ken", SECRET))}`;
    expect(await firstMessage(`${server.url}/`, { Cookie: cookies })).toBe("hello Ann");
  });

  it("tries extractors in order and verifies the first credential found", async () => {
    const verify = vi.fn((credential: string) => USERS[credential]);
    const server = await greeter({ from: [cookie("session", { secret: SECRET }), bearer(), query()], verify });
    expect(await firstMessage(`${server.url}/?token=abc.def-_~%2B%2F%3D`, { Authorization: "Bearer t0ken" })).toBe("hello Ann");
    expect(await firstMessage(`${server.url}/?token=t0ken`)).toBe("hello Ann");
    expect(verify.mock.calls.map(([c]) => c)).toEqual(["t0ken", "t0ken"]);
  });
});

describe("auth internals", () => {
  it("adds no iterator layer with a synchronous verify", () => {
    let own: unknown;
    const handler: Handler<Scope & { user: string }> = () => (own = (async function* () {})());
    const app = auth({ verify: () => "ann" })(handler as Handler<Scope & { readonly user: string }>);
    expect(app(scopeFor("/", { authorization: "Bearer x" }), noMessages)).toBe(own);
  });

  it("never starts the handler when the connection ends while an async verify is pending", async () => {
    let release: (user: string) => void = () => {};
    const started = vi.fn();
    const app = auth({ verify: () => new Promise<string>((resolve) => (release = resolve)) })(async function* () {
      started();
    });
    const iterator = app(scopeFor("/", { authorization: "Bearer x" }), noMessages)[Symbol.asyncIterator]();
    const first = iterator.next();
    await iterator.return?.();
    release("ann");
    expect(await first).toEqual({ done: true, value: undefined });
    expect(started).not.toHaveBeenCalled();
  });

  it("throws a TypeError naming the option for bad configuration", () => {
    expect(() => auth({} as never)).toThrow(/option "verify"/);
    expect(() => auth({ verify: () => 1, from: [] })).toThrow(/option "from"/);
    expect(() => auth({ verify: () => 1, from: "bearer" as never })).toThrow(/option "from"/);
    expect(() => auth({ verify: () => 1, failWith: "explode" as never })).toThrow(/option "failWith"/);
    expect(() => auth({ verify: () => 1, failwith: "close" } as never)).toThrow(
      expect.objectContaining({ name: "OptionError", code: "SCALLION_INVALID_OPTION", option: "failwith" }),
    );
    expect(() => cookie("session", { secret: "" })).toThrow(/option "secret"/);
    expect(() => cookie("session", { secret: [] })).toThrow(/option "secret"/);
    expect(() => cookie("session", undefined as never)).toThrow(TypeError);
    for (const maxAge of [0, -1, 1.5, "60", Number.POSITIVE_INFINITY]) {
      expect(() => cookie("session", { secret: "k", maxAge } as never), String(maxAge)).toThrow(/option "maxAge"/);
    }
    expect(() => query("")).toThrow(TypeError);
  });
});
