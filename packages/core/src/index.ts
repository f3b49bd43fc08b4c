// What an application (and its own middleware) is written with. Adapters and test harnesses
// find the runtime's parts in "@scallion/core/transport".
export { accept, close, publish, reject, send, sendJson, subscribe, unsubscribe } from "./events.js";
export type {
  AcceptEvent,
  CloseEvent,
  Event,
  Message,
  Outcome,
  PublishEvent,
  RejectEvent,
  SendBytesEvent,
  SendEvent,
  SendTextEvent,
  SubscribeEvent,
  UnsubscribeEvent,
} from "./events.js";
export type { Handler, Middleware, Through } from "./handler.js";
export type { Scope } from "./scope.js";
export { extendScope } from "./scope.js";
export { hooks, websocket } from "./hooks.js";
export type { HookOptions, WebSocketOptions } from "./hooks.js";
export { lifecycleOf } from "./lifecycle.js";
export type { CloseCause, CloseInfo, DisconnectInfo } from "./lifecycle.js";
export { merge } from "./merge.js";
export type { Tagged } from "./merge.js";
export { mapReceiver, SKIP } from "./map-receiver.js";
export type { ConnectionReceiver } from "./receiver.js";
export { deferred } from "./deferred.js";
export { serve } from "./serve.js";
export type { Server, ServerAddress, ServeOptions } from "./serve.js";
export { attach, upgradeHandler } from "./upgrade.js";
export type { UpgradeHandler, UpgradeOptions } from "./upgrade.js";
export type { Endpoint } from "./endpoint.js";
export { closeOnSignal } from "./close-on-signal.js";
export type { CloseOnSignalOptions } from "./close-on-signal.js";
export type { CloseOptions } from "./runtime.js";
export type { ServerStats } from "./stats.js";
export { MemoryPubSub } from "./pubsub.js";
export type { MemoryPubSubOptions, PubSub } from "./pubsub.js";
export type { HistoryConfig, HistoryOptions, Position, Recorded, Recovery } from "./history.js";
export type { PublishOutcome } from "./topics.js";
export { CloseError, isCloseError } from "./errors.js";
export { OptionError } from "./option-check.js";
export { truncateCloseReason } from "./close-codes.js";
export type { Logger } from "./logger.js";
export { consoleLogger, silentLogger } from "./logger.js";
