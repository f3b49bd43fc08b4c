import { describe, expect, it } from "vitest";
import { extendScope, lifecycleOf } from "../src/index.js";
import { createScope, Lifecycle } from "../src/transport-entry.js";

function running() {
  const scope = createScope({ url: "/room/7?x=1", headers: { host: "h" }, address: "127.0.0.1" });
  const lifecycle = new Lifecycle(scope.id);
  return { scope, lifecycle };
}

const ended = { code: 1000, reason: "", cause: "server" } as const;

describe("the scope", () => {
  it("is plain data: no symbols, nothing of the runtime's to reach", async () => {
    const { scope, lifecycle } = running();
    expect(Object.getOwnPropertySymbols(scope)).toEqual([]);
    expect(Object.keys(scope).sort()).toEqual(
      ["address", "headers", "host", "id", "params", "path", "query", "signal", "subprotocols", "url"].sort(),
    );
    for (const value of Object.values(scope)) {
      expect(value === null || typeof value !== "object" || value instanceof AbortSignal || isPlain(value)).toBe(true);
    }
    await lifecycle.end(ended, () => {});
  });

  it("reaches its connection's signal and lifecycle through its id, spread or extended", async () => {
    const { scope, lifecycle } = running();
    const listener = { close: () => {} };
    const spread = { ...scope, user: "ann" };
    lifecycleOf(spread).add(listener);
    const extended = extendScope(scope, { user: "ann" });
    expect(extended.signal).toBe(lifecycle.signal);
    expect(extended.signal.aborted).toBe(false);
    await lifecycle.end(ended, () => {});
    expect(lifecycle.signal.aborted).toBe(true);
    // Forgotten once ended: its signal reads as aborted, and no hook can be added any more.
    expect(createScopeLike(scope.id).signal.aborted).toBe(true);
    expect(() => lifecycleOf(scope)).toThrow(/is not running here/);
  });

  it("refuses a lifecycle for a scope this copy of core does not run, naming why", () => {
    expect(() => lifecycleOf({ id: "made-by-hand" })).toThrow(/made by hand .* another copy of @scallion\/core/);
  });
});

describe("extendScope()", () => {
  it("adds and replaces properties like a spread", async () => {
    const { scope, lifecycle } = running();
    const extended = extendScope(scope, { params: { room: "7" }, user: "ann" });
    expect(extended).toMatchObject({ url: "/room/7?x=1", path: "/room/7", query: { x: "1" }, id: scope.id });
    expect(extended.params).toEqual({ room: "7" });
    expect(extended.user).toBe("ann");
    expect(scope.params).toEqual({});
    await lifecycle.end(ended, () => {});
  });

  it("leaves the connection's signal unmade until a handler reads it, where a spread makes it", async () => {
    const { scope, lifecycle } = running();
    const extended = extendScope(extendScope(scope, { user: "ann" }), { role: "admin" });
    expect(Object.getOwnPropertyDescriptor(extended, "signal")?.get).toBeTypeOf("function");
    const spread = { ...scope };
    expect(Object.getOwnPropertyDescriptor(spread, "signal")?.value).toBe(lifecycle.signal);
    expect(extended.signal).toBe(lifecycle.signal);
    await lifecycle.end(ended, () => {});
  });

  it("takes a signal given as plain data, and lets extra replace it", async () => {
    const { scope, lifecycle } = running();
    const own = new AbortController().signal;
    const spread = { ...scope, signal: own };
    expect(extendScope(spread, { user: "ann" }).signal).toBe(own);
    expect(extendScope(scope, { signal: own }).signal).toBe(own);
    await lifecycle.end(ended, () => {});
  });
});

function isPlain(value: object): boolean {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === Array.prototype || proto === null;
}

/** Another scope object of the same connection, as a middleware's spread would make. */
function createScopeLike(id: string): { readonly signal: AbortSignal } {
  const scope = createScope({ url: "/", headers: {}, address: "127.0.0.1" });
  return extendScope(scope, { id });
}
