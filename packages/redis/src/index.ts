export { createRedisPubSub, RedisPubSub } from "./redis-pubsub.js";
export { MAX_RECONNECT_DELAY } from "./link.js";
export type { ClusterOptions } from "./link.js";
export type { RedisPubSubOptions } from "./redis-pubsub.js";
export { decodeFrame, encodeFrame } from "./frame.js";
