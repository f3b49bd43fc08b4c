import { readFileSync } from "node:fs";
import { send } from "@scallion/core";
import { connect } from "@scallion/testing";
import { describe, expect, it, vi } from "vitest";
import { compose } from "../src/index.js";
import { tenant, timed, trimmed } from "./_readme-middleware.js";

describe("the README's own middleware", () => {
  it("are the README's, word for word", () => {
    const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
    const source = readFileSync(new URL("./_readme-middleware.ts", import.meta.url), "utf8");
    expect(readme).toContain(source.trim());
  });

  for (const transport of ["memory", "ws"] as const) {
    it(`add to the scope, map messages and wrap the lifecycle, composed (${transport})`, async () => {
      const report = vi.fn();
      const app = compose(
        tenant,
        trimmed,
        timed(report),
      )(async function* (scope, receiver) {
        for await (const text of receiver) yield send(`${scope.tenant}: ${text.toUpperCase()}`);
      });
      const client = await connect(app, "/room", { transport, headers: { "x-tenant": "acme" } });
      client.send("  hi  ");
      client.send("   ");
      client.send(new TextEncoder().encode(" bytes "));
      expect(await client.receive()).toBe("acme: HI");
      expect(await client.receive()).toBe("acme: BYTES");
      await client.close(1000);
      expect(report).toHaveBeenCalledWith("/room", expect.any(Number), 1000);
    });
  }
});
