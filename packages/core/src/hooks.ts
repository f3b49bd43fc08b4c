import { deferred } from "./deferred.js";
import type { AcceptEvent, CloseEvent, Message, RejectEvent } from "./events.js";
import type { Handler } from "./handler.js";
import type { CloseInfo, DisconnectInfo } from "./lifecycle.js";
import { lifecycleOf } from "./lifecycle.js";
import { kReceiver } from "./receiver.js";
import type { Receiver } from "./receiver.js";
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

const HOOK_NAMES = ["onConnect", "onDisconnect", "onClose"] as const;

/**
 * Lifecycle hooks as middleware, so they can sit anywhere in a chain. Hooks that only observe
 * the end of a connection add no layer to the handler's iterator.
 */
export function hooks<S extends Scope = Scope>(
  options: HookOptions<S>,
): <In>(next: Handler<S, In>) => Handler<S, In> {
  if (typeof options !== "object" || options === null) throw new TypeError("hooks(): options must be an object");
  for (const name of Object.keys(options)) {
    if (!(HOOK_NAMES as readonly string[]).includes(name)) {
      throw new TypeError(`hooks(): unknown hook "${name}" (known: ${HOOK_NAMES.join(", ")})`);
    }
    const hook = options[name as keyof HookOptions<S>];
    if (hook !== undefined && typeof hook !== "function") throw new TypeError(`hooks(): ${name} must be a function`);
  }
  const { onConnect, onDisconnect, onClose } = options;
  return <In>(next: Handler<S, In>): Handler<S, In> =>
    function hooked(scope, receiver) {
      if (onDisconnect !== undefined || onClose !== undefined) {
        lifecycleOf(scope)?.add({
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
 * Wraps a handler with lifecycle hooks. A handler declared without a receiver parameter is
 * push-only: its messages are discarded (and counted) instead of filling the queue.
 *
 * @example
 * export const app = websocket(async function* (scope, receiver) {
 *   for await (const message of receiver) yield send(`@ECHO: ${message}`);
 * }, { onClose: (scope, { code, cause }) => console.log(scope.id, code, cause) });
 */
export function websocket<S extends Scope = Scope, In = Message>(
  handler: Handler<S, In>,
  options: HookOptions<S> = {},
): Handler<S, In> {
  if (typeof handler !== "function") throw new TypeError("websocket(): handler must be a function");
  const hooked = hooks(options)(handler);
  if (handler.length >= 2) return hooked;
  return function pushOnly(scope, receiver) {
    if (kReceiver in receiver) (receiver as unknown as Receiver).discard();
    return hooked(scope, receiver);
  };
}

function checkDecision(decision: object): asserts decision is AcceptEvent | RejectEvent | CloseEvent {
  const type = (decision as { type?: unknown }).type;
  if (type !== "websocket.accept" && type !== "websocket.reject" && type !== "websocket.close") {
    throw new TypeError("onConnect must return accept(), reject(), close() or nothing");
  }
}

