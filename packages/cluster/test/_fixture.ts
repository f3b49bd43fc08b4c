/**
 * A primary with WORKERS (2) workers sharing one loopback port, each serving {@link room} on a
 * ClusterPubSub, as an application would run. Prints one JSON line once every worker listens:
 * `{ url, primary, workers: { <worker id>: <pid> } }`; on SIGUSR2, the hub's figures
 * `{ dropped, topics, workers }`. Run with plain node (the tsx CLI would
 * forward signals to the workers): `node --conditions=@scallion/source --import tsx _fixture.ts`.
 */
import cluster from "node:cluster";
import type { Handler } from "@scallion/core";
import { publish, send, serve, subscribe, unsubscribe } from "@scallion/core";
import { createClusterPubSub, isClusterMessage, startClusterHub } from "../src/index.js";

const workers = Number(process.env.WORKERS ?? 2);
const timeout = Number(process.env.CLUSTER_TIMEOUT ?? 1000);

/**
 * Joins `?room=` (default "room"; from `&epoch=&offset=` on a topic with history) and sends
 * "joined <outcome> <worker id> <members>"; then "say X" publishes X and sends "said <outcome>",
 * "shout X" publishes X except to itself, "count" sends "members <n>"; a binary message is
 * published as it is.
 */
function room(count: (topic: string) => Promise<number>): Handler {
  return async function* room(scope, receiver) {
    const { room: topic = "room", epoch, offset } = scope.query;
    const since = epoch === undefined ? undefined : { epoch, offset: Number(offset) };
    const joined = yield subscribe(topic, { since });
    yield send(`joined ${joined} ${cluster.worker?.id} ${await count(topic)}`);
    try {
      for await (const message of receiver) {
        if (typeof message !== "string") {
          yield publish(topic, message); // binary: published as it is
          continue;
        }
        const [command, text = ""] = message.split(" ");
        if (command === "say") yield send(`said ${yield publish(topic, text)}`);
        if (command === "shout") yield send(`said ${yield publish(topic, text, { exceptSelf: true })}`);
        if (command === "count") yield send(`members ${await count(topic)}`);
      }
    } finally {
      yield unsubscribe(topic);
    }
  };
}

if (cluster.isPrimary) {
  const hub = startClusterHub({ maxBacklog: Number(process.env.HUB_MAX_BACKLOG ?? 10_000) });
  process.on("SIGUSR2", () => console.log(JSON.stringify({ dropped: hub.dropped, topics: hub.topics, workers: hub.workers })));
  const ready = new Map<number, number>();
  for (let i = 0; i < workers; i++) cluster.fork();
  // The application's own messages share the channel with the hub's.
  cluster.on("message", (worker, message: unknown) => {
    if (isClusterMessage(message)) return;
    const { url } = message as { url: string };
    ready.set(worker.id, worker.process.pid as number);
    if (ready.size === workers) console.log(JSON.stringify({ url, primary: process.pid, workers: Object.fromEntries(ready) }));
  });
  process.on("SIGTERM", () => {
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill("SIGKILL");
    process.exit(0);
  });
} else {
  const pubsub = createClusterPubSub({ timeout, history: { "h:*": { size: 100 } } });
  const server = await serve(
    room((topic) => server.count(topic)),
    { port: 0, host: "127.0.0.1", logger: false, pubsub, maxConnectionsPerAddress: null },
  );
  process.send?.({ url: server.url });
}
