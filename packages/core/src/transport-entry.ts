// "@scallion/core/transport": what a transport adapter or a test harness builds on. Applications
// need none of it: "@scallion/core" has what they use.
export { Runtime } from "./runtime.js";
export type { CloseOptions, RuntimeOptions } from "./runtime.js";
export type { AcceptOptions, PendingUpgrade, SocketEvents, TransportSocket } from "./transport.js";
export type { RequestInfo } from "./scope.js";
export { createScope } from "./scope.js";
export { Lifecycle } from "./lifecycle.js";
export { Receiver } from "./receiver.js";
export type { ReceiverControl } from "./receiver.js";
export type { Encoded } from "./frame.js";
export { isSendableCloseCode, MAX_CLOSE_REASON_BYTES } from "./close-codes.js";
export type { PubSubListener, PubSubMessage } from "./pubsub.js";
export type { Position, Recovery, Recorded } from "./history.js";
export type { TrustProxy } from "./client-address.js";
export { bounded, ENGINE_TIMEOUT } from "./bounded.js";
export { HistoryPatterns } from "./history-patterns.js";
export { MemoryHistory } from "./history.js";
export { TopicListeners } from "./listeners.js";
