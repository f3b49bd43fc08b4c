import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { RedisPubSubOptions } from "../src/index.js";
import type { TestCluster } from "../src/testing.js";
import { hasRedisCluster, startRedisCluster } from "../src/testing.js";
import type { Node } from "./_nodes.js";
import { join, startNode, stopNodes } from "./_nodes.js";

const numbers = (tag: string, n: number): string[] => Array.from({ length: n }, (_, i) => `${tag}:${i}`);

describe.skipIf(!hasRedisCluster)("on a Redis Cluster of three masters with a replica each", () => {
  let cluster: TestCluster;
  const nodes: Node[] = [];

  beforeAll(async () => {
    cluster = await startRedisCluster();
  }, 60_000);
  afterAll(() => cluster?.stop());
  afterEach(() => stopNodes(nodes.splice(0)));

  async function two(options: Omit<RedisPubSubOptions, "cluster"> = {}): Promise<[Node, Node]> {
    for (let i = 0; i < 2; i++) nodes.push(await startNode({ cluster: { rootNodes: cluster.rootNodes }, ...options }));
    return nodes.slice(-2) as [Node, Node];
  }

  const slotOf = async (key: string): Promise<number> => Number(await cluster.cli(["cluster", "keyslot", key]));

  /** Topics `<stem>-<i>` whose names all hash to one slot per topic, each on another master. */
  async function topicsOnEveryShard(stem: string): Promise<{ topic: string; slot: number; port: number }[]> {
    const found = new Map<number, { topic: string; slot: number; port: number }>();
    for (let i = 0; found.size < 3; i++) {
      const topic = `${stem}-${i}`;
      const slots = await Promise.all(
        [`topic:{${topic}}`, `presence:{${topic}}`, `history:{${topic}}`, `meta:{${topic}}`].map((k) => slotOf(`scallion:${k}`)),
      );
      expect(new Set(slots).size).toBe(1);
      const slot = slots[0] as number;
      const { port } = await cluster.masterOf(slot);
      if (!found.has(port)) found.set(port, { topic, slot, port });
    }
    return [...found.values()];
  }

  async function shardNumSub(channel: string, port: number): Promise<number> {
    const [, n] = (await cluster.cli(["pubsub", "shardnumsub", channel], port)).split("\n");
    return Number(n);
  }

  it("delivers every message exactly once at every reader on both nodes, topics spread over the three shards", async () => {
    const [one, two_] = await two();
    const topics = await topicsOnEveryShard("room");
    const readers = [];
    for (const { topic } of topics) {
      for (const server of [one.server, one.server, two_.server]) readers.push({ topic, client: await join(server, `/?room=${topic}`) });
    }
    for (const { topic } of topics) expect([await one.server.count(topic), await two_.server.count(topic)]).toEqual([3, 3]);
    const per = 200;
    const outcomes = await Promise.all(
      topics.flatMap(({ topic }) =>
        [one, two_].flatMap((node, k) => numbers(`${k}`, per).map((text) => node.server.publish(topic, `${topic}/${text}`))),
      ),
    );
    expect(new Set(outcomes)).toEqual(new Set(["published"]));
    for (const { topic, client } of readers) {
      const seen = await client.wait(2 * per);
      for (const k of ["0", "1"]) {
        expect(seen.filter((m) => m.startsWith(`${topic}/${k}:`))).toEqual(numbers(`${topic}/${k}`, per));
      }
    }
    for (const { topic } of topics) await two_.server.publish(topic, "marker");
    for (const { client } of readers) {
      await vi.waitFor(() => expect(client.messages.at(-1)).toBe("marker"));
      expect(client.messages).toHaveLength(2 * per + 1);
    }
    // Each channel is on its own shard only, subscribed once per node.
    for (const { topic, port } of topics) {
      for (const other of topics) expect(await shardNumSub(`scallion:topic:{${topic}}`, other.port)).toBe(other.port === port ? 2 : 0);
    }
  });

  it("subscribes a node to a shard channel only while it has subscribers there", async () => {
    const [one, two_] = await two();
    const { topic, port } = (await topicsOnEveryShard("solo"))[0] as { topic: string; port: number };
    const channel = `scallion:topic:{${topic}}`;
    const a = await join(one.server, `/?room=${topic}`);
    const b = await join(one.server, `/?room=${topic}`);
    expect(await shardNumSub(channel, port)).toBe(1);
    const c = await join(two_.server, `/?room=${topic}`);
    expect(await shardNumSub(channel, port)).toBe(2);
    a.ws.close();
    await vi.waitFor(async () => expect(await two_.server.count(topic)).toBe(2));
    expect(await shardNumSub(channel, port)).toBe(2);
    b.ws.close();
    await vi.waitFor(async () => expect(await shardNumSub(channel, port)).toBe(1));
    c.ws.close();
    await vi.waitFor(async () => expect(await shardNumSub(channel, port)).toBe(0));
    await vi.waitFor(async () => expect(await one.server.count(topic)).toBe(0));
  });
});
