import cluster from "node:cluster";
import type { AddressInfo } from "node:net";
import { createClusterPubSub } from "@scallion/cluster";
import type { PubSub } from "@scallion/core";
import { closeOnSignal, MemoryPubSub } from "@scallion/core";
import { createRedisPubSub } from "@scallion/redis";
import { HISTORY } from "./history.js";
import { createChatServer } from "./server.js";

const redisUrl = process.env.REDIS_URL;
const redis = redisUrl === undefined ? undefined : await createRedisPubSub({ url: redisUrl, history: HISTORY });
// A worker of src/cluster.ts shares rooms with the other workers through the primary.
const workerId = cluster.worker?.id;
const clustered = redis === undefined && workerId !== undefined ? createClusterPubSub({ history: HISTORY }) : undefined;
const pubsub: PubSub = redis ?? clustered ?? new MemoryPubSub({ history: HISTORY });
const { http, endpoint } = createChatServer({
  pubsub,
  sessionSecret: process.env.SESSION_SECRET?.split(","),
});

const port = process.env.PORT === undefined ? 8080 : Number(process.env.PORT);
const host = process.env.HOST ?? "127.0.0.1";
http.once("error", (error: NodeJS.ErrnoException) => {
  if (error.code !== "EADDRINUSE") throw error;
  console.error(`chat example: ${host}:${port} is already in use; pick another port with PORT=…`);
  process.exit(1);
});
http.listen(port, host, () => {
  const { address, port: bound } = http.address() as AddressInfo;
  console.log(
    `chat example: open http://${address}:${bound}/?room=lobby&name=you (ws://${address}:${bound}/chat/<room>)` +
      (redis ? `, rooms shared through ${redisUrl}` : "") +
      (workerId === undefined ? "" : `, worker ${workerId}`),
  );
});

// Graceful shutdown on SIGINT/SIGTERM, however many times it arrives: every client gets the
// answers to what it had sent, then a 1001, and every room a leave notice.
closeOnSignal(async () => {
  http.close();
  http.closeIdleConnections();
  await endpoint.close();
  await redis?.close();
  clustered?.close();
  const { messagesIn, messagesDiscarded } = endpoint.stats();
  console.log(`chat example: closed; ${messagesIn - messagesDiscarded} messages received and answered`);
});
