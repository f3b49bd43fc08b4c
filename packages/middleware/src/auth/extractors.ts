import type { Scope } from "@scallion/core";
import type { Secret } from "../cookie.js";
import { checkOptions } from "@scallion/core/options";
import { cookieValues, secretList } from "../cookie.js";
import { sessionAgeChecks, unsignSession } from "../session.js";

/**
 * Reads a credential from the upgrade request: a string, or undefined when the request carries
 * none or only a malformed one. `challenge` is what a 401 offers in `WWW-Authenticate`.
 */
export interface Extractor {
  (scope: Scope): string | undefined;
  readonly challenge?: string;
}

/** Longer credentials are refused unread: no verify call, no hashing of megabytes. */
export const MAX_CREDENTIAL_LENGTH = 4096;

/** RFC 6750's b64token: what a bearer token may contain. */
const BEARER = /^Bearer[ \t]+([A-Za-z0-9\-._~+/]+=*)[ \t]*$/i;

/** A non-empty credential of sane length, trimmed; anything else is no credential. */
export function usable(value: string | undefined): string | undefined {
  if (value === undefined || value.length > MAX_CREDENTIAL_LENGTH) return undefined;
  const trimmed = value.trim();
  return trimmed === "" ? undefined : trimmed;
}

/**
 * The token of an `Authorization: Bearer <token>` header.
 * @example auth({ from: bearer(), verify: (token) => tokens.get(token) })
 */
export function bearer(): Extractor {
  return Object.assign(
    function bearerToken(scope: Scope) {
      const header = scope.headers.authorization;
      if (header === undefined || header.length > MAX_CREDENTIAL_LENGTH) return undefined;
      return BEARER.exec(header)?.[1];
    },
    { challenge: "Bearer" },
  );
}

/**
 * The query parameter `name`, e.g. `?token=…` (browsers cannot set headers on a WebSocket).
 * Query strings end up in access logs: prefer short-lived tokens here.
 */
export function query(name = "token"): Extractor {
  if (typeof name !== "string" || name === "") throw new TypeError("query(): name must be a non-empty string");
  return function queryToken(scope: Scope) {
    return usable(scope.query[name]);
  };
}

/** Options of the {@link cookie} extractor. */
export interface CookieOptions {
  /** The secret (or secrets, newest first) the cookie was signed with; see `serializeSessionCookie`. */
  secret: Secret;
  /**
   * Oldest session accepted, in seconds since it was issued (the issued-at is signed into the
   * cookie, so the browser's `Max-Age` is not trusted). Omitted, sessions never expire here.
   */
  maxAge?: number;
}

/**
 * Reads session cookie `name` from a `Cookie` header, checked as {@link cookie} checks it: for
 * plain HTTP routes (a logout) that see the same session as the WebSocket.
 *
 * @example
 * const session = sessionCookieReader("session", { secret, maxAge: 8 * 3600 });
 * const value = session(req.headers.cookie);
 */
export function sessionCookieReader(name: string, options: CookieOptions): (header: string | undefined) => string | undefined {
  return readerOf("sessionCookieReader()", name, options);
}

function readerOf(where: string, name: string, options: CookieOptions): (header: string | undefined) => string | undefined {
  if (typeof name !== "string" || name === "") throw new TypeError(`${where}: name must be a non-empty string`);
  if (options === undefined) throw new TypeError(`${where}: options must be an object with the secret`);
  checkOptions(where, options, { secret: () => undefined, ...sessionAgeChecks });
  const secrets = secretList(options.secret, where);
  const age = { maxAge: options.maxAge };
  return function readSession(header) {
    for (const value of cookieValues(header, name)) {
      const verified = usable(unsignSession(value, secrets, age)?.value);
      if (verified !== undefined) return verified;
    }
    return undefined;
  };
}

/**
 * The value of session cookie `name` (made by `serializeSessionCookie` or `signSession`), if it
 * carries a valid HMAC-SHA256 signature by one of the secrets and is no older than `maxAge`;
 * unsigned, tampered, expired or malformed cookies count as no credential.
 */
export function cookie(name: string, options: CookieOptions): Extractor {
  const read = readerOf("cookie()", name, options);
  return function signedCookie(scope: Scope) {
    return read(scope.headers.cookie);
  };
}
