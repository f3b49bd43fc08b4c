import { describe, expect, it, vi } from "vitest";
import { serializeSessionCookie, sessionCookieReader, signCookie, signSession, unsignCookie, unsignSession } from "../src/index.js";

describe("signed cookies", () => {
  it("round-trips a value through signCookie and unsignCookie, dots and unicode included", () => {
    for (const value of ["ann", "a.b.c", "zoë 🧅", ""]) expect(unsignCookie(signCookie(value, "k"), "k")).toBe(value);
  });

  it("signs with the first secret of a list and verifies with any of them", () => {
    expect(signCookie("v", ["new", "old"])).toBe(signCookie("v", "new"));
    expect(unsignCookie(signCookie("v", "old"), ["new", "old"])).toBe("v");
    expect(unsignCookie(signCookie("v", "gone"), ["new", "old"])).toBeUndefined();
  });

  it("returns undefined for unsigned, tampered or oversized values instead of throwing", () => {
    const signed = signCookie("v", "k");
    for (const bad of ["v", "v.", `w${signed.slice(1)}`, `${signed}=`, `${signed.slice(0, -1)}`, "x".repeat(10_000), `v.${"\u00e9".repeat(43)}`]) {
      expect(unsignCookie(bad, "k"), bad.slice(0, 20)).toBeUndefined();
    }
  });

  it("serializes an HttpOnly, SameSite=Lax, Path=/ Set-Cookie value carrying a signed session", () => {
    const header = serializeSessionCookie("session", "ann smith", "k", { maxAge: 3600 });
    expect(header).toBe(`session=${encodeURIComponent(signSession("ann smith", "k"))}; Path=/; HttpOnly; SameSite=Lax; Max-Age=3600`);
    expect(serializeSessionCookie("s", "v", "k", { secure: true, sameSite: "Strict", domain: "example.com" })).toMatch(
      /; Path=\/; HttpOnly; SameSite=Strict; Domain=example\.com; Secure$/,
    );
    expect(serializeSessionCookie("s", "v", "k", { sameSite: "None" })).toMatch(/SameSite=None; Secure$/);
  });

  it("throws a TypeError for a bad name, secret or option", () => {
    expect(() => serializeSessionCookie("a b", "v", "k")).toThrow(/name/);
    expect(() => serializeSessionCookie("s", "v", "")).toThrow(/option "secret"/);
    expect(() => serializeSessionCookie("s", "v", "k", { path: "/; Domain=evil" })).toThrow(/option "path"/);
    expect(() => serializeSessionCookie("s", "v", "k", { maxAge: 1.5 })).toThrow(/option "maxAge"/);
    expect(() => signCookie("v", [])).toThrow(/option "secret"/);
    expect(() => signSession("v", "k", { issuedAt: -1 })).toThrow(/option "issuedAt"/);
    expect(() => unsignSession("v", "k", { maxAge: 0 })).toThrow(/option "maxAge"/);
  });
});

describe("signed sessions", () => {
  const now = Date.UTC(2024, 0, 1, 12, 0, 0);

  it("signs the issued-at (in seconds) with the value, and reads both back", () => {
    const signed = signSession("a.b", "k", { issuedAt: now + 999 });
    expect(unsignCookie(signed, "k")).toBe(`a.b.${now / 1000}`);
    expect(unsignSession(signed, "k", { maxAge: 10 ** 9 })).toEqual({ value: "a.b", issuedAt: now });
  });

  it("refuses sessions past maxAge, from the future, forged, or without an issued-at", () => {
    vi.useFakeTimers({ toFake: ["Date"], now });
    try {
      expect(unsignSession(signSession("v", "k", { issuedAt: now - 3600_000 }), "k", { maxAge: 3600 })?.value).toBe("v");
      expect(unsignSession(signSession("v", "k", { issuedAt: now - 3601_000 }), "k", { maxAge: 3600 })).toBeUndefined();
      expect(unsignSession(signSession("v", "k", { issuedAt: now - 3601_000 }), "k")?.value).toBe("v");
      expect(unsignSession(signSession("v", "k", { issuedAt: now + 30_000 }), "k")?.value).toBe("v");
      expect(unsignSession(signSession("v", "k", { issuedAt: now + 120_000 }), "k")).toBeUndefined();
      expect(unsignSession(signSession("v", "other"), "k")).toBeUndefined();
      for (const bare of ["v", "v.", "v.12x", `v.${"9".repeat(13)}`]) expect(unsignSession(signCookie(bare, "k"), "k"), bare).toBeUndefined();
    } finally {
      vi.useRealTimers();
    }
  });
});

describe("sessionCookieReader()", () => {
  it("reads the first valid session of that name from a Cookie header, as cookie() does", () => {
    const read = sessionCookieReader("session", { secret: ["new", "old"], maxAge: 60 });
    const fresh = encodeURIComponent(signSession("ann", "old"));
    const stale = signSession("bob", "new", { issuedAt: Date.now() - 61_000 });
    expect(read(`theme=dark; session=forged.1.AAAA; session=${stale}; session=${fresh}`)).toBe("ann");
    expect(read(`session=${stale}`)).toBeUndefined();
    expect(read(undefined)).toBeUndefined();
  });

  it("names itself in option errors", () => {
    expect(() => sessionCookieReader("session", { secret: "k", maxAge: 0 })).toThrow(/^sessionCookieReader\(\): option "maxAge"/);
    expect(() => sessionCookieReader("", { secret: "k" })).toThrow(/^sessionCookieReader\(\): name/);
  });
});
