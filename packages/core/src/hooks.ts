import { deferred } from "./deferred.js";
import type { AcceptEvent, CloseEvent, Message, RejectEvent } from "./events.js";
import type { Handler, Middleware, Through } from "./handler.js";
import type { CloseInfo, DisconnectInfo } from "./lifecycle.js";
import { lifecycleOf } from "./lifecycle.js";
import { checkOptions, optionChecks } from "./option-check.js";
import { isConnectionReceiver } from "./receiver.js";
import type { Scope } from "./scope.js";

/** What `onConnect` may decide; nothing leaves the decision to the handler. */
export type ConnectDecision = AcceptEvent | RejectEvent | CloseEvent | undefined | void;

/** Lifecycle hooks, as options of `websocket()` or as the `hooks()` middleware. */
export interface HookOptions<S extends Scope = Scope> {
  /** Runs before the handler: return `accept()`, `reject()` or `close()` to decide the handshake. */
  onConnect?(scope: S): ConnectDecision | Promise<ConnectDecision>;
  /** Runs when the client ended the connection (close frame or drop), before `onClose`. */
  onDisconnect?(scope: S, info: DisconnectInfo): unknown;
  /** Runs exactly once when the connection has ended, whoever ended it and however. */
  onClose?(scope: S, info: CloseInfo): unknown;
}

/** Options of {@link websocket}: the hooks, and whether the handler reads its receiver. */
export interface WebSocketOptions<S extends Scope = Scope> extends HookOptions<S> {
  /**
   * `false` declares a push-only handler, one that never reads its receiver: what the client sends
   * is discarded and counted (`stats().messagesDiscarded`) instead of filling the queue until the
   * socket is paused. Default true.
   */
  receive?: boolean;
}

const hookChecks = { onConnect: optionChecks.function, onDisconnect: optionChecks.function, onClose: optionChecks.function };

/**
 * Lifecycle hooks as middleware, so they can sit anywhere in a chain. Hooks that only observe
 * the end of a connection add no layer to the handler's iterator.
 */
export function hooks<S extends Scope = Scope>(options: HookOptions<S>): Middleware<object, Through, Through, S> {
  if (options === undefined) throw new TypeError("hooks(): options must be an object");
  checkOptions("hooks()", options, hookChecks);
  const { onConnect, onDisconnect, onClose } = options;
  return (next) =>
    function hooked(scope, receiver) {
      if (onDisconnect !== undefined || onClose !== undefined) {
        lifecycleOf(scope).add({
          disconnect: onDisconnect && ((info) => onDisconnect(scope, info)),
          close: onClose && ((info) => onClose(scope, info)),
        });
      }
      if (onConnect === undefined) return next(scope, receiver);
      return deferred(async () => {
        const decision = await onConnect(scope);
        if (decision !== undefined) {
          checkDecision(decision);
          // A refusal ends the stream; an accept goes out first and the handler follows.
          if (decision.type !== "websocket.accept") return { event: decision };
        }
        return { event: decision ?? undefined, rest: () => next(scope, receiver) };
      });
    };
}

/**
 * Wraps a handler with lifecycle hooks; `receive: false` declares it push-only (see
 * {@link WebSocketOptions.receive}).
 *
 * @example
 * export const app = websocket(async function* (scope, receiver) {
 *   for await (const message of receiver) yield send(`@ECHO: ${message}`);
 * }, { onClose: (scope, { code, cause }) => console.log(scope.id, code, cause) });
 */
export function websocket<S extends Scope = Scope, In = Message>(
  handler: Handler<S, In>,
  options: WebSocketOptions<S> = {},
): Handler<S, In> {
  if (typeof handler !== "function") throw new TypeError("websocket(): handler must be a function");
  checkOptions("websocket()", options, { ...hookChecks, receive: optionChecks.boolean });
  const { receive = true, ...hookOptions } = options;
  const hooked = hooks(hookOptions)(handler);
  if (receive) return hooked;
  return function pushOnly(scope, receiver) {
    // A receiver that is not a connection's (a harness's own iterable) has nothing to discard.
    if (isConnectionReceiver(receiver)) receiver.discard();
    return hooked(scope, receiver);
  };
}

function checkDecision(decision: object): asserts decision is AcceptEvent | RejectEvent | CloseEvent {
  const type = (decision as { type?: unknown }).type;
  if (type !== "websocket.accept" && type !== "websocket.reject" && type !== "websocket.close") {
    throw new TypeError("onConnect must return accept(), reject(), close() or nothing");
  }
}

