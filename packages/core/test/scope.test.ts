import { describe, expect, it } from "vitest";
import { createScope, extendScope, Lifecycle, lifecycleOf } from "../src/index.js";

/** A scope whose signal holder counts how often the signal was made. */
function counted() {
  let made = 0;
  const controller = new AbortController();
  const holder = {
    get signal() {
      made++;
      return controller.signal;
    },
  };
  const lifecycle = new Lifecycle();
  const scope = createScope({ url: "/room/7?x=1", headers: { host: "h" }, address: "127.0.0.1" }, holder, lifecycle);
  return { scope, lifecycle, controller, made: () => made };
}

describe("extendScope()", () => {
  it("adds and replaces properties like a spread", () => {
    const { scope } = counted();
    const extended = extendScope(scope, { params: { room: "7" }, user: "ann" });
    expect(extended).toMatchObject({ url: "/room/7?x=1", path: "/room/7", query: { x: "1" }, id: scope.id });
    expect(extended.params).toEqual({ room: "7" });
    expect(extended.user).toBe("ann");
    expect(scope.params).toEqual({});
  });

  it("leaves the connection's signal unmade until a handler reads it, where a spread makes it", () => {
    const { scope, controller, made } = counted();
    const extended = extendScope(extendScope(scope, { user: "ann" }), { role: "admin" });
    expect(made()).toBe(0);
    expect(extended.signal).toBe(controller.signal);
    expect(made()).toBe(1);
    void { ...scope };
    expect(made()).toBe(2);
  });

  it("keeps what the runtime keys by symbol, such as the lifecycle hooks attach to", () => {
    const { scope, lifecycle } = counted();
    expect(lifecycleOf(extendScope(scope, { user: "ann" }))).toBe(lifecycle);
  });

  it("takes a signal given as plain data, and lets extra replace it", () => {
    const { scope } = counted();
    const own = new AbortController().signal;
    const spread = { ...scope, signal: own };
    expect(extendScope(spread, { user: "ann" }).signal).toBe(own);
    expect(extendScope(scope, { signal: own }).signal).toBe(own);
  });
});
