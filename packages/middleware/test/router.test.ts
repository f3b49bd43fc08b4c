import type { Handler, Scope } from "@scallion/core";
import { send, sendJson } from "@scallion/core";
import { describe, expect, it } from "vitest";
import { compose, mount, router } from "../src/index.js";
import { firstMessage, statusOf } from "./_client.js";
import { adds } from "./_middleware.js";
import { noMessages, scopeFor } from "./_scope.js";
import { start } from "./_server.js";

/** A handler that sends its name, the path and the params it was given, as JSON. */
const says =
  (name: string): Handler =>
  async function* (scope) {
    yield sendJson({ name, path: scope.path, params: scope.params });
  };

async function ask(app: Handler, path: string): Promise<unknown> {
  const server = await start(app);
  return JSON.parse(await firstMessage(`${server.url}${path}`));
}

describe("router", () => {
  const app = router({
    "/": says("home"),
    "/chat/new": says("new chat"),
    "/chat/:room": says("chat"),
    "/chat/:room/users/:user": says("user"),
    "/files/*": says("files"),
    "/café": says("café"),
  });

  it("serves a static path", async () => {
    expect(await ask(app, "/")).toEqual({ name: "home", path: "/", params: {} });
  });

  it("fills scope.params from :name segments", async () => {
    expect(await ask(app, "/chat/general/users/ann")).toMatchObject({ name: "user", params: { room: "general", user: "ann" } });
  });

  it("tries static segments before parameters", async () => {
    expect(await ask(app, "/chat/new")).toMatchObject({ name: "new chat", params: {} });
    expect(await ask(app, "/chat/old")).toMatchObject({ name: "chat", params: { room: "old" } });
  });

  it("ignores the query string", async () => {
    expect(await ask(app, "/chat/general?token=abc&x=/files")).toMatchObject({ name: "chat", params: { room: "general" } });
    expect(await ask(app, "/?a=1")).toMatchObject({ name: "home" });
  });

  it("percent-decodes params, unicode included, and keeps an encoded slash inside its segment", async () => {
    expect(await ask(app, "/chat/%F0%9F%A7%85%20room")).toMatchObject({ params: { room: "🧅 room" } });
    expect(await ask(app, "/chat/a%2Fb")).toMatchObject({ name: "chat", params: { room: "a/b" } });
    expect(await ask(app, "/caf%C3%A9")).toMatchObject({ name: "café" });
  });

  it("matches the rest of the path with a trailing *, possibly empty", async () => {
    expect(await ask(app, "/files/a/b%20c.txt")).toMatchObject({ name: "files", params: { "*": "a/b c.txt" } });
    expect(await ask(app, "/files")).toMatchObject({ name: "files", params: { "*": "" } });
  });

  it("refuses an unknown path with 404, a trailing slash included", async () => {
    const server = await start(app);
    expect(await statusOf(`${server.url}/nope`)).toBe(404);
    expect(await statusOf(`${server.url}/chat/general/`)).toBe(404);
    expect(await statusOf(`${server.url}/chat/general/users`)).toBe(404);
  });

  it("refuses a malformed percent-escape or invalid UTF-8 with 400 instead of throwing", async () => {
    const server = await start(app);
    for (const path of ["/chat/%E0%A4%A", "/chat/%FF", "/chat/%", "/files/%zz"]) {
      expect(await statusOf(`${server.url}${path}`), path).toBe(400);
    }
  });

  it("serves unknown paths with notFound when given", async () => {
    const withFallback = router({ "/": says("home") }, { notFound: says("fallback") });
    expect(await ask(withFallback, "/elsewhere")).toMatchObject({ name: "fallback" });
  });

  it("runs per-route middleware given as a composed handler, with the route's params", async () => {
    const tagged = router({
      "/rooms/:room": compose(adds("tag", "mw"))(async function* (scope) {
        yield send(`${scope.tag}:${scope.params.room}`);
      }),
    });
    const server = await start(tagged);
    expect(await firstMessage(`${server.url}/rooms/blue`)).toBe("mw:blue");
  });

  it("returns the route's own iterator: no layer per message", () => {
    let own: unknown;
    const handler: Handler = (scope) => (own = says("x")(scope, noMessages));
    expect(router({ "/a/:b": handler })(scopeFor("/a/1"), noMessages)).toBe(own);
    expect(router({ "/a": handler })(scopeFor("/a"), noMessages)).toBe(own);
  });

  it("dispatches each of 1,000 static and 1,000 parameterised routes to its own handler", async () => {
    const calls: string[] = [];
    const routes: Record<string, Handler> = {};
    for (let i = 0; i < 1000; i++) {
      for (const pattern of [`/static/${i}`, `/p${i}/:id`]) {
        routes[pattern] = async function* (scope) {
          calls.push(`${pattern} ${JSON.stringify(scope.params)}`);
        };
      }
    }
    const big = router(routes);
    for (let i = 0; i < 1000; i++) {
      for (const path of [`/static/${i}`, `/p${i}/x${i}`]) await big(scopeFor(path), noMessages)[Symbol.asyncIterator]().next();
    }
    expect(calls).toHaveLength(2000);
    expect(calls.every((c, j) => c === (j % 2 === 0 ? `/static/${j / 2} {}` : `/p${(j - 1) / 2}/:id {"id":"x${(j - 1) / 2}"}`))).toBe(true);
    const server = await start(big);
    expect(await statusOf(`${server.url}/static/999`)).toBe("open");
    expect(await statusOf(`${server.url}/static/1000`)).toBe(404);
  });
});

describe("mount", () => {
  const admin = router({ "/": says("admin home"), "/users/:id": says("admin user"), "/logs/*": says("logs") });

  it("grafts a router's routes under a prefix", async () => {
    const app = router({ "/": says("home"), ...mount("/admin", admin) });
    expect(Object.keys(app.routes)).toEqual(["/", "/admin", "/admin/users/:id", "/admin/logs/*"]);
    expect(await ask(app, "/admin")).toMatchObject({ name: "admin home" });
    expect(await ask(app, "/admin/users/7")).toMatchObject({ name: "admin user", params: { id: "7" } });
    expect(await ask(app, "/admin/logs/2024/01")).toMatchObject({ name: "logs", params: { "*": "2024/01" } });
  });

  it("routes the rest of the path through a router wrapped in middleware, with the prefix's params", async () => {
    const seen: string[] = [];
    const logged = compose((next: Handler) => (scope: Scope, receiver) => (seen.push(scope.path), next(scope, receiver)))(admin);
    const app = router({ ...mount("/orgs/:org", logged) });
    expect(await ask(app, "/orgs/acme/users/7")).toMatchObject({
      name: "admin user",
      path: "/orgs/acme/users/7",
      params: { org: "acme", id: "7" },
    });
    expect(await ask(app, "/orgs/acme")).toMatchObject({ name: "admin home", params: { org: "acme" } });
    expect(seen).toEqual(["/orgs/acme/users/7", "/orgs/acme"]);
    const server = await start(app);
    expect(await statusOf(`${server.url}/orgs/acme/nope`)).toBe(404);
  });

  it("serves a plain handler at the prefix and below", async () => {
    const app = router({ ...mount("/legacy", says("legacy")) });
    expect(await ask(app, "/legacy")).toMatchObject({ name: "legacy" });
    expect(await ask(app, "/legacy/a/b")).toMatchObject({ name: "legacy", params: { "*": "a/b" } });
  });
});

describe("router configuration", () => {
  const h: Handler = async function* () {};

  it("throws a TypeError naming the bad route when the factory is called", () => {
    expect(() => router({ "chat": h })).toThrow(/"chat" must start with "\/"/);
    expect(() => router({ "/a/*/b": h })).toThrow(/"\*" must be the last segment/);
    expect(() => router({ "/a/:x/:x": h })).toThrow(/repeated parameter name "x"/);
    expect(() => router({ "/a/:": h })).toThrow(TypeError);
    expect(() => router({ "/a/:x": h, "/a/:y/b": h })).toThrow(/conflicts with ":x"/);
    expect(() => router({ "/a": "nope" as never })).toThrow(/must map to a handler/);
    expect(() => router({ "/a": h }, { notFound: 1 as never })).toThrow(/notFound/);
    expect(() => mount("admin", h)).toThrow(TypeError);
    expect(() => mount("/admin/", h)).toThrow(TypeError);
  });
});
