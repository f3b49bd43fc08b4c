import type { Handler, Message, Scope } from "@scallion/core";
import { hooks, send } from "@scallion/core";
import { describe, expectTypeOf, it } from "vitest";
import type { Router } from "../src/index.js";
import { auth, basic, compose, cookie, mount, origin, router } from "../src/index.js";

interface User {
  id: number;
  name: string;
}
const findUser = async (token: string): Promise<User | undefined> => (token === "1" ? { id: 1, name: "Ann" } : undefined);

// `tsc` proves these; at run time they only build the chains.
describe("types flow through the chain without casts", () => {
  it("router types scope.params from each pattern", () => {
    router({
      "/chat/:room": async function* (scope) {
        expectTypeOf(scope.params).toEqualTypeOf<{ readonly room: string }>();
        // @ts-expect-error: the pattern declares no such parameter
        void scope.params.user;
      },
      "/files/:dir/*": async function* (scope) {
        expectTypeOf(scope.params).toEqualTypeOf<{ readonly dir: string; readonly "*": string }>();
      },
      "/": async function* (scope) {
        expectTypeOf(scope.params).toEqualTypeOf<{ readonly [K in never]: string }>();
      },
    });
  });

  it("auth types scope.user from what verify returns, awaited and without failures", () => {
    compose(auth({ verify: findUser }))(async function* (scope, receiver) {
      expectTypeOf(scope.user).toEqualTypeOf<User>();
      expectTypeOf(scope.path).toEqualTypeOf<string>();
      expectTypeOf(receiver).toEqualTypeOf<AsyncIterable<Message>>();
    });
    compose(auth({ from: cookie("s", { secret: "k" }), verify: (id) => (id === "1" ? "ann" : null) }))(async function* (scope) {
      expectTypeOf(scope.user).toEqualTypeOf<string>();
    });
    compose(basic((name, password) => password === "x" && { name }))(async function* (scope) {
      expectTypeOf(scope.user).toEqualTypeOf<{ name: string }>();
    });
    compose(origin())(async function* (scope) {
      // @ts-expect-error: no auth in this chain
      void scope.user;
    });
  });

  it("keeps what each middleware adds, across origin and hooks in between", () => {
    const app = compose(origin(), hooks({}), auth({ verify: findUser }), hooks({ onClose: () => {} }))(async function* (scope) {
      expectTypeOf(scope.user.name).toEqualTypeOf<string>();
    });
    expectTypeOf(app).toExtend<Handler>();
  });

  it("gives per-route middleware both the route's params and the user", () => {
    router({
      "/chat/:room": compose(origin(), auth({ verify: findUser }))(async function* (scope) {
        expectTypeOf(scope.params.room).toEqualTypeOf<string>();
        expectTypeOf(scope.user).toEqualTypeOf<User>();
      }),
    });
  });

  it("accepts a named handler asking only for what the chain adds, as a route", () => {
    async function* greet(scope: Scope & { readonly user: User }) {
      yield send(scope.user.name);
    }
    router({ "/chat/:room": compose(auth({ verify: findUser }))(greet) });
  });

  it("types mounted route tables with their prefixed patterns", () => {
    const admin = router({ "/": async function* () {}, "/users/:id": async function* () {} });
    const app = router({ ...mount("/admin", admin), ...mount("/orgs/:org", compose(origin())(admin)) });
    expectTypeOf(app).toEqualTypeOf<Router<"/admin" | "/admin/users/:id" | "/orgs/:org/*">>();
    expectTypeOf(app).toExtend<Handler<Scope>>();
  });
});
