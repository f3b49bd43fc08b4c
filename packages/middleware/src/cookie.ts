import { createHmac, timingSafeEqual } from "node:crypto";
import { OptionError } from "@scallion/core";
import { checkOptions, oneOf } from "@scallion/core/options";

/** A secret for signing cookies, or a list of them for rotation: the first signs, any verifies. */
export type Secret = string | readonly string[];

/** Options of {@link serializeSessionCookie}. */
export interface SessionCookieOptions {
  /** Lifetime in seconds; omitted, the cookie lasts until the browser closes. */
  maxAge?: number;
  /** Send the cookie over HTTPS only. Default false, so it also works on http://localhost. */
  secure?: boolean;
  /** Default "/". */
  path?: string;
  domain?: string;
  /** Default "Lax": sent on top-level navigation, not on cross-site subrequests. */
  sameSite?: "Strict" | "Lax" | "None";
}

const MAX_SIGNED_LENGTH = 4096;

/** The secrets as a list, checked; throws a TypeError naming `where`'s `secret` option. */
export function secretList(secret: Secret, where: string): readonly string[] {
  const list = typeof secret === "string" ? [secret] : secret;
  if (!Array.isArray(list) || list.length === 0 || !list.every((s) => typeof s === "string" && s !== "")) {
    throw new OptionError(where, "secret", "must be a non-empty string or a non-empty list of them");
  }
  return list;
}

function mac(value: string, secret: string): string {
  return createHmac("sha256", secret).update(value).digest("base64url");
}

/** `value` with its HMAC-SHA256 signature appended: `value.signature`. */
export function signCookie(value: string, secret: Secret): string {
  if (typeof value !== "string") throw new TypeError("signCookie(): value must be a string");
  const [first] = secretList(secret, "signCookie()");
  return `${value}.${mac(value, first as string)}`;
}

/** The value of a cookie {@link signCookie} made with one of `secret`, or undefined when its signature is wrong. */
export function unsignCookie(signed: string, secret: Secret): string | undefined {
  const secrets = secretList(secret, "unsignCookie()");
  if (typeof signed !== "string" || signed.length > MAX_SIGNED_LENGTH) return undefined;
  const dot = signed.lastIndexOf(".");
  if (dot === -1) return undefined;
  const value = signed.slice(0, dot);
  const given = Buffer.from(signed.slice(dot + 1));
  let valid = false;
  for (const s of secrets) {
    const expected = Buffer.from(mac(value, s));
    // Compare every secret, so the time taken does not tell which one matched.
    if (expected.length === given.length && timingSafeEqual(expected, given)) valid = true;
  }
  return valid ? value : undefined;
}

const attribute = (v: unknown) =>
  typeof v === "string" && !/[;\s\p{Cc}]/u.test(v) ? undefined : 'a string without ";", spaces or control characters';
const sessionCookieChecks = {
  maxAge: (v: unknown) => (Number.isInteger(v) ? undefined : "an integer"),
  secure: (v: unknown) => (typeof v === "boolean" ? undefined : "a boolean"),
  path: attribute,
  domain: attribute,
  sameSite: oneOf("Strict", "Lax", "None"),
};

/**
 * A `Set-Cookie` header value carrying `value` signed with `secret`: HttpOnly, SameSite=Lax,
 * Path=/ unless told otherwise. For the HTTP endpoint (a login) that starts a session which
 * `auth({ from: cookie(name, { secret }) })` then reads.
 *
 * @example
 * res.setHeader("Set-Cookie", serializeSessionCookie("session", user.id, process.env.SESSION_SECRET!, { maxAge: 86400 }));
 */
export function serializeSessionCookie(name: string, value: string, secret: Secret, options: SessionCookieOptions = {}): string {
  if (typeof name !== "string" || !/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(name)) {
    throw new TypeError(`serializeSessionCookie(): name must be a cookie name token, got ${JSON.stringify(name)}`);
  }
  checkOptions("serializeSessionCookie()", options, sessionCookieChecks);
  const { maxAge, secure = false, path = "/", domain, sameSite = "Lax" } = options;
  const parts = [`${name}=${encodeURIComponent(signCookie(value, secret))}`, `Path=${path}`, "HttpOnly", `SameSite=${sameSite}`];
  if (maxAge !== undefined) parts.push(`Max-Age=${maxAge}`);
  if (domain !== undefined) parts.push(`Domain=${domain}`);
  if (secure || sameSite === "None") parts.push("Secure");
  return parts.join("; ");
}

/** Every value of cookie `name` in a `Cookie` header, percent-decoded; malformed ones are skipped. */
export function cookieValues(header: string | undefined, name: string): string[] {
  if (header === undefined) return [];
  const values: string[] = [];
  for (const pair of header.split(";")) {
    const eq = pair.indexOf("=");
    if (eq === -1 || pair.slice(0, eq).trim() !== name) continue;
    let raw = pair.slice(eq + 1).trim();
    if (raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"')) raw = raw.slice(1, -1);
    try {
      values.push(decodeURIComponent(raw));
    } catch {
      // A malformed escape is no credential; the next cookie of that name may be.
    }
  }
  return values;
}
