export { ClusterPubSub, createClusterPubSub } from "./cluster-pubsub.js";
export type { ClusterPubSubOptions } from "./cluster-pubsub.js";
export { ClusterHub, startClusterHub } from "./hub.js";
export type { ClusterHubOptions } from "./hub.js";
export { isClusterMessage } from "./wire.js";
