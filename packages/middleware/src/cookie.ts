import { createHmac, timingSafeEqual } from "node:crypto";
import { OptionError } from "@scallion/core";

/** A secret for signing cookies, or a list of them for rotation: the first signs, any verifies. */
export type Secret = string | readonly string[];

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
