import type { Handler, Scope } from "@scallion/core";
import { send } from "@scallion/core";
import { auth, bearer, compose, cookie, origin, query, router } from "@scallion/middleware";
import { SESSION_COOKIE, SESSION_SECONDS } from "./session.js";
import type { User, Users } from "./users.js";

/** Greets the user by name, then answers every message in their name. */
async function* greet(scope: Scope & { readonly user: User }, receiver: AsyncIterable<string | Uint8Array>) {
  yield send(`Hello, ${scope.user.displayName}!`);
  for await (const message of receiver) {
    const text = typeof message === "string" ? message : Buffer.from(message).toString();
    yield send(`${scope.user.displayName}: ${text}`);
  }
}

/**
 * The WebSocket side.
 * - `/ws`: for the browser page; the signed session cookie set by `POST /login`, no older than
 *   the session's lifetime and not revoked by a logout. Failures close with 4401 after the
 *   upgrade, so page code can tell "sign in first" from a network error. The origin check stops
 *   other sites' pages from riding on the cookie.
 * - `/api/ws`: for scripts; `Authorization: Bearer <token>` or `?token=<token>` from the login's
 *   JSON answer. Failures are plain 401s.
 */
export function createApp(users: Users, secret: string | readonly string[]): Handler {
  return router({
    "/ws": compose(
      origin(),
      auth({
        from: cookie(SESSION_COOKIE, { secret, maxAge: SESSION_SECONDS }),
        verify: (session) => users.bySession(session),
        failWith: "close",
      }),
    )(greet),
    "/api/ws": compose(auth({ from: [bearer(), query("token")], verify: (token) => users.byToken(token) }))(greet),
  });
}
