import { describe, expect, it } from "vitest";
import { serializeSessionCookie, signCookie, unsignCookie } from "../src/index.js";

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

  it("serializes an HttpOnly, SameSite=Lax, Path=/ Set-Cookie value", () => {
    const header = serializeSessionCookie("session", "ann smith", "k", { maxAge: 3600 });
    expect(header).toBe(`session=${encodeURIComponent(signCookie("ann smith", "k"))}; Path=/; HttpOnly; SameSite=Lax; Max-Age=3600`);
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
  });
});
