/**
 * scallion-minimal's app on every core: WORKERS node:cluster workers (default 2) sharing one port,
 * pub/sub through the primary with @scallion/cluster. The primary announces once all listen.
 */
import cluster from "node:cluster";
import { serve } from "@scallion/core";
import { createClusterPubSub, isClusterMessage, startClusterHub } from "@scallion/cluster";
import { minimalApp } from "./_minimal-app.js";
import { announce, host, port } from "./_listen.js";

const workers = Number(process.env.WORKERS ?? 2);

if (cluster.isPrimary) {
  startClusterHub();
  let listening = 0;
  cluster.on("message", (_worker, message: unknown) => {
    if (!isClusterMessage(message) && ++listening === workers) announce("scallion-cluster", (message as { port: number }).port);
  });
  for (let i = 0; i < workers; i++) cluster.fork();
} else {
  const server = await serve(minimalApp, { port, host, maxConnectionsPerAddress: null, pubsub: createClusterPubSub() });
  process.send?.({ port: server.address.port });
}
