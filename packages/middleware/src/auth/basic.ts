import type { Scope } from "@scallion/core";
import type { AuthMiddleware, UserOf } from "./auth.js";
import { checkOptions, oneOf } from "@scallion/core/options";
import { auth } from "./auth.js";
import type { Extractor } from "./extractors.js";
import { MAX_CREDENTIAL_LENGTH } from "./extractors.js";

/** Verifies a user name and password: the user, or `undefined`/`null`/`false`. May be async. */
export type VerifyBasic = (username: string, password: string, scope: Scope) => unknown;

/** Options of {@link basic}. */
export interface BasicOptions {
  /** Named in the `WWW-Authenticate` challenge. Default "Scallion". */
  realm?: string;
  /** As for `auth()`: `"reject"` (401 with the challenge, default) or `"close"` (4401). */
  failWith?: "reject" | "close";
}

const basicChecks = {
  realm: (v: unknown) =>
    typeof v === "string" && v !== "" && !/["\\\p{Cc}]/u.test(v)
      ? undefined
      : "a non-empty string without quotes, backslashes or control characters",
  failWith: oneOf("reject", "close"),
};

const BASIC = /^Basic[ \t]+([A-Za-z0-9+/]+={0,2})[ \t]*$/i;

/**
 * HTTP Basic authentication (for tools and servers; browsers do not prompt for WebSockets):
 * `verify(username, password)` returns the user, which becomes `scope.user`. Failures answer 401
 * with `WWW-Authenticate: Basic realm="…"`. Compare passwords in constant time inside `verify`.
 *
 * @example
 * compose(basic((name, password) => (safeEqual(password, secrets[name]) ? { name } : undefined)))(handler);
 */
export function basic<V extends VerifyBasic>(verify: V, options: BasicOptions = {}): AuthMiddleware<UserOf<V>> {
  if (typeof verify !== "function") throw new TypeError("basic(): verify must be a function");
  checkOptions("basic()", options, basicChecks);
  const { realm = "Scallion", failWith } = options;
  const from: Extractor = Object.assign(
    function basicCredentials(scope: Scope) {
      const header = scope.headers.authorization;
      if (header === undefined || header.length > MAX_CREDENTIAL_LENGTH) return undefined;
      return BASIC.exec(header)?.[1];
    },
    { challenge: `Basic realm="${realm}", charset="UTF-8"` },
  );
  return auth({
    from,
    ...(failWith === undefined ? {} : { failWith }),
    verify: (encoded: string, scope: Scope) => {
      if (encoded.length % 4 !== 0) return undefined;
      const decoded = Buffer.from(encoded, "base64").toString("utf8");
      const colon = decoded.indexOf(":");
      if (colon === -1) return undefined;
      return verify(decoded.slice(0, colon), decoded.slice(colon + 1), scope) as ReturnType<V>;
    },
  });
}
