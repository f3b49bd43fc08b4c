import type { Server } from "@scallion/core";
import { serve } from "@scallion/core";
import { afterAll, afterEach, beforeAll, expect } from "vitest";
import type { RedisPubSubOptions } from "../src/index.js";
import type { TestCluster } from "../src/testing.js";
import { startRedisCluster } from "../src/testing.js";
import { feed } from "./_history.js";
import type { Node } from "./_nodes.js";
import { startNode, stopNodes } from "./_nodes.js";

/** A topic, the slot its names hash to and the port of the master that serves it. */
export interface Placed {
  topic: string;
  slot: number;
  port: number;
}

/** For a describe block: a Redis Cluster of its own, and the nodes a test starts on it, stopped after it. */
export function nodesOnCluster() {
  let cluster: TestCluster | undefined;
  const nodes: Node[] = [];
  beforeAll(async () => {
    cluster = await startRedisCluster();
  }, 60_000);
  afterAll(() => cluster?.stop());
  afterEach(() => stopNodes(nodes.splice(0)));
  const self = {
    get cluster(): TestCluster {
      return cluster as TestCluster;
    },
    /** Two Scallion nodes running `roomApp`, each on its own engine in cluster mode. */
    async two(options: Omit<RedisPubSubOptions, "cluster"> = {}): Promise<[Node, Node]> {
      const rootNodes = self.cluster.rootNodes;
      for (let i = 0; i < 2; i++) nodes.push(await startNode({ cluster: { rootNodes }, ...options }));
      return nodes.slice(-2) as [Node, Node];
    },
    /** A server running {@link feed} on `node`'s engine, stopped with it. */
    async feedOn(node: Node): Promise<Server> {
      const server = await serve(feed, { port: 0, logger: false, pubsub: node.pubsub });
      nodes.push({ server, pubsub: node.pubsub });
      return server;
    },
    slotOf: async (key: string): Promise<number> => Number(await self.cluster.cli(["cluster", "keyslot", key])),
    /** Topics `<stem>-<i>`, one per master, checking that all the names of each hash to one slot. */
    async topicsOnEveryShard(stem: string): Promise<Placed[]> {
      const found = new Map<number, Placed>();
      for (let i = 0; found.size < 3; i++) {
        const topic = `${stem}-${i}`;
        const slots = await Promise.all(
          [`topic:{${topic}}`, `presence:{${topic}}`, `history:{${topic}}`, `meta:{${topic}}`].map((k) => self.slotOf(`scallion:${k}`)),
        );
        expect(new Set(slots).size).toBe(1);
        const slot = slots[0] as number;
        const { port } = await self.cluster.masterOf(slot);
        if (!found.has(port)) found.set(port, { topic, slot, port });
      }
      return [...found.values()];
    },
    /** How many subscribers the shard channel has on the node at `port` (PUBSUB SHARDNUMSUB). */
    async shardNumSub(channel: string, port: number): Promise<number> {
      const [, n] = (await self.cluster.cli(["pubsub", "shardnumsub", channel], port)).split("\n");
      return Number(n);
    },
  };
  return self;
}
