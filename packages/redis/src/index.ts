export { createRedisPubSub, MAX_RECONNECT_DELAY, RedisPubSub } from "./redis-pubsub.js";
export type { RedisPubSubOptions } from "./redis-pubsub.js";
export { decodeFrame, encodeFrame } from "./frame.js";
