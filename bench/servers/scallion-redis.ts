/**
 * Scallion on Redis, one node of several (`REDIS_URL`): `/room` subscribes to "room" and
 * publishes what it receives there, `/solo` subscribes to "solo", `/to-solo` publishes to "solo"
 * without subscribing (so the many-nodes benchmark can show which nodes Redis sends what).
 */
import { publish, serve, subscribe } from "@scallion/core";
import { router } from "@scallion/middleware";
import { createRedisPubSub } from "@scallion/redis";
import { announce, host, port } from "./_listen.js";

const app = router({
  "/room": async function* room(_scope, receiver) {
    yield subscribe("room");
    for await (const message of receiver) yield publish("room", message);
  },
  "/solo": async function* solo(_scope, receiver) {
    yield subscribe("solo");
    for await (const _ of receiver);
  },
  "/to-solo": async function* toSolo(_scope, receiver) {
    for await (const message of receiver) yield publish("solo", message);
  },
});

const pubsub = await createRedisPubSub({ url: process.env.REDIS_URL, logger: false });
const server = await serve(app, { port, host, pubsub, maxConnectionsPerAddress: null });
announce("scallion-redis", server.address.port as number);
