import type { Handler, Scope } from "@scallion/core";
import { reject, send } from "@scallion/core";
import { describe, expect, it } from "vitest";
import { compose } from "../src/index.js";
import { firstMessage, statusOf } from "./_client.js";
import { adds } from "./_middleware.js";
import { noMessages, scopeFor } from "./_scope.js";
import { start } from "./_server.js";

describe("compose", () => {
  it("runs middleware outermost first and hands the handler what each added", async () => {
    const order: string[] = [];
    const trace = (name: string) => (next: Handler) =>
      function traced(scope: Scope, receiver: AsyncIterable<string | Uint8Array>) {
        order.push(name);
        return next(scope, receiver);
      };
    const app = compose(
      trace("a"),
      adds("who", "alice"),
      trace("b"),
      adds("n", 2),
    )(async function* (scope) {
      yield send(`${scope.who} ${scope.n}`);
    });
    const server = await start(app);
    expect(await firstMessage(`${server.url}/`)).toBe("alice 2");
    expect(order).toEqual(["a", "b"]);
  });

  it("lets a middleware refuse before the handler runs", async () => {
    let ran = false;
    const refuse = (_next: Handler): Handler =>
      async function* refusing() {
        yield reject(451);
      };
    const server = await start(
      compose(refuse)(async function* () {
        ran = true;
      }),
    );
    expect(await statusOf(`${server.url}/`)).toBe(451);
    expect(ran).toBe(false);
  });

  it("adds no iterator layer for middleware that only enriches the scope", () => {
    let own: AsyncIterable<unknown> | undefined;
    const handler: Handler = (scope, receiver) => {
      own = (async function* () {
        yield send(String(scope.path));
        for await (const m of receiver) yield send(m);
      })();
      return own as ReturnType<Handler>;
    };
    const result = compose(adds("a", 1), adds("b", 2))(handler)(scopeFor("/x"), noMessages);
    expect(result).toBe(own);
  });

  it("with no middleware returns the handler itself", () => {
    const handler: Handler = async function* () {};
    expect(compose()(handler)).toBe(handler);
  });

  it("nests: a composed chain is itself a middleware", async () => {
    const app = compose(
      adds("x", 1),
      compose(adds("y", 2), adds("z", 3)),
    )(async function* (scope) {
      yield send(`${scope.x}${scope.y}${scope.z}`);
    });
    const server = await start(app);
    expect(await firstMessage(`${server.url}/`)).toBe("123");
  });

  it("throws a TypeError at once for something that is not a middleware or a handler", () => {
    expect(() => compose(adds("a", 1), "nope" as never)).toThrow(/position 1 must be a function/);
    expect(() => compose(adds("a", 1))(undefined as never)).toThrow(/handler must be a function/);
  });
});
