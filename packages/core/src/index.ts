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
export { MemoryPubSub } from "./pubsub.js";
export type { PubSub, PubSubListener, PubSubMessage } from "./pubsub.js";
export type { Encoded } from "./topics.js";
export { isSendableCloseCode, MAX_CLOSE_REASON_BYTES, truncateCloseReason } from "./close-codes.js";
export type { Handler, Middleware } from "./handler.js";
export type { RequestInfo, Scope } from "./scope.js";
export { createScope, extendScope } from "./scope.js";
export type { CloseCause, CloseInfo, DisconnectInfo } from "./lifecycle.js";
export { Lifecycle, lifecycleOf } from "./lifecycle.js";
export { Receiver } from "./receiver.js";
export type { ReceiverControl } from "./receiver.js";
export { merge } from "./merge.js";
export { mapReceiver, SKIP } from "./map-receiver.js";
export type { Tagged } from "./merge.js";
export { hooks, websocket } from "./hooks.js";
export { deferred } from "./deferred.js";
export type { Deferral } from "./deferred.js";
export type { ConnectDecision, HookOptions } from "./hooks.js";
export type { AcceptOptions, PendingUpgrade, SocketEvents, TransportSocket } from "./transport.js";
export { Runtime } from "./runtime.js";
export type { CloseOptions, RuntimeOptions } from "./runtime.js";
export { serve } from "./serve.js";
export { attach, upgradeHandler } from "./upgrade.js";
export type { Endpoint, UpgradeHandler, UpgradeOptions } from "./upgrade.js";
export type { TrustProxy } from "./client-address.js";
export type { ServerStats } from "./stats.js";
export type { Server, ServerAddress, ServeOptions } from "./serve.js";
export { CloseError, isCloseError, OptionError } from "./errors.js";
export type { Logger } from "./logger.js";
export { consoleLogger, silentLogger } from "./logger.js";
