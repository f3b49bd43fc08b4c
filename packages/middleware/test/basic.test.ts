import { send } from "@scallion/core";
import { describe, expect, it, vi } from "vitest";
import { basic, compose } from "../src/index.js";
import { firstMessage, openClient, statusOf } from "./_client.js";
import { start } from "./_server.js";

const basicHeader = (credentials: string) => `Basic ${Buffer.from(credentials).toString("base64")}`;

async function guarded(verify = vi.fn((name: string, password: string) => (password === "s3cret:!" ? { name } : undefined))) {
  const server = await start(
    compose(basic(verify, { realm: "chat" }))(async function* (scope) {
      yield send(`hello ${scope.user.name}`);
    }),
  );
  return { server, verify };
}

describe("basic", () => {
  it("passes the user name and the password (colons included) to verify", async () => {
    const { server } = await guarded();
    expect(await firstMessage(`${server.url}/`, { Authorization: basicHeader("ann:s3cret:!") })).toBe("hello ann");
    expect(await firstMessage(`${server.url}/`, { Authorization: basicHeader("zoë 🧅:s3cret:!") })).toBe("hello zoë 🧅");
  });

  it('answers 401 with WWW-Authenticate: Basic realm="…" for a wrong password', async () => {
    const { server } = await guarded();
    await expect(openClient(`${server.url}/`, { Authorization: basicHeader("ann:wrong") })).rejects.toMatchObject({
      status: 401,
      headers: { "www-authenticate": 'Basic realm="chat", charset="UTF-8"' },
    });
  });

  it("refuses invalid base64, no colon, empty and oversized credentials without calling verify", async () => {
    const { server, verify } = await guarded();
    const headers = [
      "Basic",
      "Basic ",
      "Basic !!!!",
      "Basic YW5u",
      "Basic YW5uOnM",
      `Basic ${Buffer.from("no colon here").toString("base64")}`,
      "Basic YW5uOnMzY3JldDoh YW5u",
      `Basic ${"QUFB".repeat(2000)}`,
      "Bearer YW5uOnMzY3JldDoh",
    ];
    for (const h of headers) expect(await statusOf(`${server.url}/`, { Authorization: h }), h.slice(0, 30)).toBe(401);
    expect(verify).not.toHaveBeenCalled();
  });

  it("checks its options when called", () => {
    expect(() => basic(undefined as never)).toThrow(/verify must be a function/);
    expect(() => basic(() => 1, { realm: 'a"b' })).toThrow(/option "realm"/);
    expect(() => basic(() => 1, { realm: "" })).toThrow(/option "realm"/);
  });
});
