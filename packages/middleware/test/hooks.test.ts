import type { CloseInfo, Scope } from "@scallion/core";
import { reject, send } from "@scallion/core";
import { describe, expect, it, vi } from "vitest";
import { auth, compose, hooks, origin } from "../src/index.js";
import { firstMessage, openClient, statusOf } from "./_client.js";
import { noMessages, scopeFor } from "./_scope.js";
import { start } from "./_server.js";

type User = { name: string };

describe("hooks in a chain", () => {
  it("never starts the handler when the connection ends while onConnect is pending", async () => {
    let decide: () => void = () => {};
    const started = vi.fn();
    const app = hooks({ onConnect: () => new Promise<void>((resolve) => (decide = resolve)) })(async function* () {
      started();
    });
    const iterator = app(scopeFor("/"), noMessages)[Symbol.asyncIterator]();
    const first = iterator.next();
    await iterator.return?.();
    decide();
    expect(await first).toEqual({ done: true, value: undefined });
    expect(started).not.toHaveBeenCalled();
  });

  it("runs between other middleware: sees what came before, and onClose runs once with the user", async () => {
    const connected = vi.fn();
    const closed = vi.fn();
    const app = compose(
      origin(),
      auth({ verify: (token): User | undefined => (token === "t" ? { name: "Ann" } : undefined) }),
      hooks<Scope & { readonly user: User }>({
        onConnect: (scope) => void connected(scope.user.name),
        onClose: (scope, info: CloseInfo) => void closed(scope.user.name, info.code, info.cause),
      }),
    )(async function* (scope) {
      yield send(`hello ${scope.user.name}`);
    });
    const server = await start(app);
    const own = server.url.replace(/^ws/, "http");
    expect(await firstMessage(`${server.url}/`, { Authorization: "Bearer t", Origin: own })).toBe("hello Ann");
    await vi.waitFor(() => expect(closed).toHaveBeenCalledWith("Ann", 1000, "server"));
    expect(connected).toHaveBeenCalledWith("Ann");
    // Refused before the hooks: they never saw the connection.
    expect(await statusOf(`${server.url}/`, { Authorization: "Bearer t", Origin: "https://evil.example" })).toBe(403);
    expect(await statusOf(`${server.url}/`)).toBe(401);
    expect(closed).toHaveBeenCalledTimes(1);
  });

  it("lets onConnect refuse before the middleware and handler after it", async () => {
    const verify = vi.fn(() => ({ name: "never" }));
    const app = compose(
      hooks({ onConnect: (scope) => (scope.query.banned === undefined ? undefined : reject(403, "banned")) }),
      auth({ verify }),
    )(async function* (scope) {
      yield send(scope.user.name);
    });
    const server = await start(app);
    expect(await statusOf(`${server.url}/?banned`, { Authorization: "Bearer t" })).toBe(403);
    expect(verify).not.toHaveBeenCalled();
    const client = await openClient(`${server.url}/`, { Authorization: "Bearer t" });
    expect(await client.receive()).toBe("never");
  });
});
