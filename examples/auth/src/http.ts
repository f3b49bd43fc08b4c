import type { IncomingMessage, ServerResponse } from "node:http";
import type { Secret } from "@scallion/middleware";
import { serializeSessionCookie, sessionCookieReader } from "@scallion/middleware";
import { readBody } from "./body.js";
import { PAGE } from "./page.js";
import { SESSION_COOKIE, SESSION_SECONDS } from "./session.js";
import type { Users } from "./users.js";

/** Longer login bodies are answered 413. */
export const MAX_BODY = 4096;

/**
 * The HTTP side: `GET /` serves a page to try it out, `POST /login` (form or JSON with `name`
 * and `password`) starts a session, sets its signed cookie and answers `{ name, token }`,
 * `POST /logout` revokes the session of the cookie (and the API token of an
 * `Authorization: Bearer` header) and clears the cookie. POSTs from pages of other sites get 403.
 */
export function createHttpHandler(users: Users, secret: Secret) {
  const session = sessionCookieReader(SESSION_COOKIE, { secret, maxAge: SESSION_SECONDS });
  return function httpHandler(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? "/").split("?")[0];
    if (req.method === "GET" && path === "/") return reply(res, 200, PAGE, "text/html; charset=utf-8");
    if (path !== "/login" && path !== "/logout") return reply(res, 404, "Not Found\n");
    if (req.method !== "POST") return reply(res, 405, "Method Not Allowed\n");
    // Login CSRF: a form on another site signing the victim in as the attacker. Logout too.
    if (!fromThisSite(req)) return reply(res, 403, "Forbidden: cross-origin request\n");
    if (path === "/logout") {
      const value = session(req.headers.cookie);
      if (value !== undefined) users.endSession(value);
      const token = /^Bearer[ \t]+(\S+)/i.exec(req.headers.authorization ?? "")?.[1];
      if (token !== undefined) users.tokens.revoke(token);
      res.setHeader("Set-Cookie", serializeSessionCookie(SESSION_COOKIE, "", secret, { maxAge: 0 }));
      return reply(res, 204, "");
    }
    readBody(req, res, MAX_BODY).then(
      (body) => {
        if (body === undefined) return; // answered 413
        const form = parseCredentials(body, req.headers["content-type"] ?? "");
        const user = form && users.login(form.name, form.password);
        if (!user) return reply(res, 401, JSON.stringify({ error: "wrong name or password" }), "application/json");
        res.setHeader("Set-Cookie", serializeSessionCookie(SESSION_COOKIE, users.startSession(user), secret, { maxAge: SESSION_SECONDS }));
        reply(res, 200, JSON.stringify({ name: user.name, token: users.issueToken(user) }), "application/json");
      },
      () => reply(res, 400, "Bad Request\n"),
    );
  };
}

/**
 * Whether a POST comes from a page of this site, or from no page at all (curl, scripts). Browsers
 * send `Origin` with every POST; without it, `Sec-Fetch-Site` says where the request came from.
 */
function fromThisSite(req: IncomingMessage): boolean {
  const { origin, host } = req.headers;
  if (origin === undefined) {
    const site = req.headers["sec-fetch-site"];
    return site === undefined || site === "same-origin" || site === "none";
  }
  try {
    return host !== undefined && new URL(origin).host === host.toLowerCase();
  } catch {
    return false; // "null": a sandboxed frame, a file:// page
  }
}

function reply(res: ServerResponse, status: number, body: string, type = "text/plain; charset=utf-8"): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { "Content-Type": type, "Cache-Control": "no-store" }).end(body);
}

function parseCredentials(body: string, contentType: string): { name: string; password: string } | undefined {
  let fields: Record<string, unknown>;
  try {
    fields = contentType.startsWith("application/json")
      ? (JSON.parse(body) as Record<string, unknown>)
      : Object.fromEntries(new URLSearchParams(body));
  } catch {
    return undefined;
  }
  const { name, password } = fields ?? {};
  return typeof name === "string" && typeof password === "string" ? { name, password } : undefined;
}
