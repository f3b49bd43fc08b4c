import type { Handler, Server, ServeOptions } from "@scallion/core";
import { publish, send, serve, subscribe, unsubscribe } from "@scallion/core";
import { afterAll, afterEach, beforeAll, vi } from "vitest";
import { WebSocket } from "ws";
import type { RedisPubSub, RedisPubSubOptions } from "../src/index.js";
import { createRedisPubSub } from "../src/index.js";
import type { TestRedis } from "../src/testing.js";
import { startRedis } from "../src/testing.js";

/**
 * Joins `?room=` (default "room") and sends "joined: <outcome> <members>"; then "say X"
 * publishes X and sends "said: <outcome>", "count" sends "members: <n>". Leaving, it
 * unsubscribes and publishes "left", as a chat's handler does.
 */
export function roomApp(count: (topic: string) => Promise<number>): Handler {
  return async function* room(scope, receiver) {
    const topic = scope.query.room ?? "room";
    const joined = yield subscribe(topic);
    yield send(`joined: ${joined} ${await count(topic)}`);
    try {
      for await (const message of receiver) {
        const text = message as string;
        if (text.startsWith("say ")) yield send(`said: ${yield publish(topic, text.slice(4))}`);
        if (text === "count") yield send(`members: ${await count(topic)}`);
      }
    } finally {
      yield unsubscribe(topic);
      yield publish(topic, "left");
    }
  };
}

export interface Node {
  server: Server;
  pubsub: RedisPubSub;
}

/** A server on its own RedisPubSub (another process, as far as Redis can tell), running {@link roomApp}. */
export async function startNode(options: RedisPubSubOptions, serveOptions: ServeOptions = {}): Promise<Node> {
  const pubsub = await createRedisPubSub({ logger: false, ...options });
  const app = roomApp((topic) => server.count(topic));
  const server: Server = await serve(app, { port: 0, logger: false, pubsub, maxConnectionsPerAddress: null, ...serveOptions });
  return { server, pubsub };
}

export async function stopNodes(nodes: Node[]): Promise<void> {
  await Promise.all(nodes.map((n) => n.server.close({ timeout: 500 })));
  await Promise.all(nodes.map((n) => n.pubsub.close()));
}

export interface Client {
  ws: WebSocket;
  messages: string[];
  /** The first message, "joined: …". */
  joined: string;
  /** Waits for `n` messages in all (default: one more than now) and returns them. */
  wait(n?: number, timeout?: number): Promise<string[]>;
}

/** Opens a client on `server` at `path` and waits for its "joined" line. */
export async function join(server: Server, path = "/"): Promise<Client> {
  const ws = new WebSocket(`${server.url}${path}`);
  const messages: string[] = [];
  ws.on("message", (data: Buffer) => messages.push(data.toString()));
  const wait = async (n = messages.length + 1, timeout = 5_000): Promise<string[]> => {
    await vi.waitFor(() => {
      if (messages.length < n) throw new Error(`${messages.length} of ${n} messages: ${messages.slice(-3).join(" | ")}`);
    }, { timeout, interval: 5 });
    return messages;
  };
  await wait(1);
  const joined = messages.shift() as string;
  return { ws, messages, joined, wait };
}

/** For a describe block: a redis-server of its own, and the nodes a test starts on it, stopped after it. */
export function nodesOnRedis(): {
  readonly redis: TestRedis;
  readonly nodes: Node[];
  two(options?: Omit<RedisPubSubOptions, "url">): Promise<[Node, Node]>;
} {
  let redis: TestRedis | undefined;
  const nodes: Node[] = [];
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(() => redis?.stop());
  afterEach(async () => {
    redis?.resume();
    await stopNodes(nodes.splice(0));
  });
  return {
    get redis() {
      return redis as TestRedis;
    },
    nodes,
    async two(options = {}) {
      const url = (redis as TestRedis).url;
      nodes.push(await startNode({ url, ...options }), await startNode({ url, ...options }));
      return nodes.slice(-2) as [Node, Node];
    },
  };
}
