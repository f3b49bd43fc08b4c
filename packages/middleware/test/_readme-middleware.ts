import type { Message, Middleware } from "@scallion/core";
import { extendScope, lifecycleOf, mapReceiver, SKIP } from "@scallion/core";

/** Adds to the scope: `scope.tenant`, from a request header. */
export const tenant: Middleware<{ readonly tenant: string }> = (next) =>
  function addTenant(scope, receiver) {
    return next(extendScope(scope, { tenant: scope.headers["x-tenant"] ?? "public" }), receiver);
  };

/** Maps messages: the handler reads trimmed text, and blank messages never reach it. */
const utf8 = new TextDecoder();
export const trimmed: Middleware<object, Message, string> = (next) =>
  function trimMessages(scope, receiver) {
    const texts = mapReceiver(receiver, (message) => {
      const text = (typeof message === "string" ? message : utf8.decode(message)).trim();
      return text === "" ? SKIP : text;
    });
    return next(scope, texts);
  };

/** Wraps the lifecycle: reports how long each connection lasted and how it ended. */
export const timed =
  (report: (path: string, ms: number, code: number) => void): Middleware =>
  (next) =>
    function timeConnection(scope, receiver) {
      const started = Date.now();
      lifecycleOf(scope).add({ close: ({ code }) => report(scope.path, Date.now() - started, code) });
      return next(scope, receiver);
    };
