import { checkOptions, oneOf, optionChecks } from "@scallion/core/options";
import type { Secret } from "./cookie.js";
import { signCookie, unsignCookie } from "./cookie.js";

/**
 * Session cookies: a value and the time it was issued, signed together (`value.issuedAt.mac`,
 * `issuedAt` in seconds since the epoch), so the server can tell their age without trusting the
 * browser's `Max-Age`.
 */

/** Options of {@link signSession}. */
export interface SignSessionOptions {
  /** When the session began, in milliseconds since the epoch. Default now. */
  issuedAt?: number;
}

/** Options of {@link unsignSession}. */
export interface UnsignSessionOptions {
  /** Oldest session accepted, in seconds since it was issued; omitted, any age. */
  maxAge?: number;
}

/** A verified session: its value and when it was issued (milliseconds since the epoch). */
export interface Session {
  readonly value: string;
  readonly issuedAt: number;
}

/** How far in the future an issued-at may lie: clock skew between the servers of one app. */
const MAX_SKEW_MS = 60_000;
const SECONDS = /^\d{1,12}$/;

/** The check of a session's `maxAge`, shared by every reader of sessions. */
export const sessionAgeChecks = { maxAge: optionChecks.positiveInteger };

/** The value of a session cookie: `value` and its issued-at, signed with the first `secret`. */
export function signSession(value: string, secret: Secret, options: SignSessionOptions = {}): string {
  if (typeof value !== "string") throw new TypeError("signSession(): value must be a string");
  checkOptions("signSession()", options, { issuedAt: optionChecks.wholeNumber });
  const { issuedAt = Date.now() } = options;
  return signCookie(`${value}.${Math.floor(issuedAt / 1000)}`, secret);
}

/**
 * The session {@link signSession} made with one of `secret`, or undefined when its signature is
 * wrong, it carries no issued-at (a plain {@link signCookie} value), it was issued more than
 * `maxAge` seconds ago, or it claims to be issued in the future.
 */
export function unsignSession(signed: string, secret: Secret, options: UnsignSessionOptions = {}): Session | undefined {
  checkOptions("unsignSession()", options, sessionAgeChecks);
  const payload = unsignCookie(signed, secret);
  if (payload === undefined) return undefined;
  const dot = payload.lastIndexOf(".");
  const seconds = payload.slice(dot + 1);
  if (dot === -1 || !SECONDS.test(seconds)) return undefined;
  const issuedAt = Number(seconds) * 1000;
  const now = Date.now();
  if (issuedAt > now + MAX_SKEW_MS) return undefined;
  if (options.maxAge !== undefined && now - issuedAt > options.maxAge * 1000) return undefined;
  return { value: payload.slice(0, dot), issuedAt };
}

/** Options of {@link serializeSessionCookie}. */
export interface SessionCookieOptions {
  /**
   * Lifetime in seconds, for the browser; omitted, the cookie lasts until the browser closes.
   * The server enforces its own limit: `cookie(name, { secret, maxAge })`.
   */
  maxAge?: number;
  /** Send the cookie over HTTPS only. Default false, so it also works on http://localhost. */
  secure?: boolean;
  /** Default "/". */
  path?: string;
  domain?: string;
  /** Default "Lax": sent on top-level navigation, not on cross-site subrequests. */
  sameSite?: "Strict" | "Lax" | "None";
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
 * A `Set-Cookie` header value carrying the session {@link signSession} makes of `value`:
 * HttpOnly, SameSite=Lax, Path=/ unless told otherwise. For the HTTP endpoint (a login) that
 * starts a session which `auth({ from: cookie(name, { secret, maxAge }) })` then reads.
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
  const parts = [`${name}=${encodeURIComponent(signSession(value, secret))}`, `Path=${path}`, "HttpOnly", `SameSite=${sameSite}`];
  if (maxAge !== undefined) parts.push(`Max-Age=${maxAge}`);
  if (domain !== undefined) parts.push(`Domain=${domain}`);
  if (secure || sameSite === "None") parts.push("Secure");
  return parts.join("; ");
}
