import type { Scope } from "@scallion/core";
import type { Secret } from "@scallion/middleware";
import { cookie } from "@scallion/middleware";

/** The session cookie of examples/auth. */
export const SESSION_COOKIE = "session";

/** How long examples/auth's sessions last; older cookies are refused here too. */
export const SESSION_SECONDS = 8 * 60 * 60;

/**
 * Who a request is signed in as, from examples/auth's session cookie: its value is
 * `<session id>:<name>`, signed with its issued-at. The chat checks the signature and the age;
 * it does not see auth's session store, so a session revoked at logout still names its user
 * here until it expires (share the store, in Redis say, to close that gap).
 */
export function signedInName(secret: Secret): (scope: Scope) => string | undefined {
  const session = cookie(SESSION_COOKIE, { secret, maxAge: SESSION_SECONDS });
  return function nameOf(scope) {
    const value = session(scope);
    const colon = value?.indexOf(":") ?? -1;
    return value === undefined || colon <= 0 ? undefined : value.slice(colon + 1) || undefined;
  };
}
