import type { IncomingMessage, ServerResponse } from "node:http";
import { serializeSessionCookie } from "@scallion/middleware";
import { SESSION_COOKIE } from "./app.js";
import type { Users } from "./users.js";
import { PAGE } from "./page.js";

const MAX_BODY = 4096;
const SESSION_SECONDS = 8 * 60 * 60;

/**
 * The HTTP side: `GET /` serves a page to try it out, `POST /login` (form or JSON with `name`
 * and `password`) sets the signed session cookie and answers `{ name, token }`, `POST /logout`
 * clears the cookie.
 */
export function createHttpHandler(users: Users, secret: string | readonly string[]) {
  return function httpHandler(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? "/").split("?")[0];
    if (req.method === "GET" && path === "/") return reply(res, 200, PAGE, "text/html; charset=utf-8");
    if (req.method === "POST" && path === "/logout") {
      res.setHeader("Set-Cookie", serializeSessionCookie(SESSION_COOKIE, "", secret, { maxAge: 0 }));
      return reply(res, 204, "");
    }
    if (path !== "/login") return reply(res, 404, "Not Found\n");
    if (req.method !== "POST") return reply(res, 405, "Method Not Allowed\n");
    readBody(req).then(
      (body) => {
        const form = parseCredentials(body, req.headers["content-type"] ?? "");
        const user = form && users.login(form.name, form.password);
        if (!user) return reply(res, 401, JSON.stringify({ error: "wrong name or password" }), "application/json");
        res.setHeader("Set-Cookie", serializeSessionCookie(SESSION_COOKIE, user.name, secret, { maxAge: SESSION_SECONDS }));
        reply(res, 200, JSON.stringify({ name: user.name, token: users.issueToken(user) }), "application/json");
      },
      () => reply(res, 413, "Payload Too Large\n"),
    );
  };
}

function reply(res: ServerResponse, status: number, body: string, type = "text/plain; charset=utf-8"): void {
  res.writeHead(status, { "Content-Type": type, "Cache-Control": "no-store" }).end(body);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => {
      body += chunk;
      if (body.length > MAX_BODY) {
        reject(new Error("body too large"));
        req.destroy();
      }
    });
    req.on("end", () => resolve(body));
    req.on("error", reject);
  });
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
