import { describe, expect, it, vi } from "vitest";
import { hasRedisCluster } from "../src/testing.js";
import { numbers, reader } from "./_history.js";
import { nodesOnCluster } from "./_cluster.js";
import { join } from "./_nodes.js";

const tagged = (tag: string, n: number): string[] => Array.from({ length: n }, (_, i) => `${tag}:${i}`);

describe.skipIf(!hasRedisCluster)("on a Redis Cluster of three masters with a replica each", () => {
  const shards = nodesOnCluster();

  it("delivers every message exactly once at every reader on both nodes, topics spread over the three shards", async () => {
    const [one, two_] = await shards.two();
    const topics = await shards.topicsOnEveryShard("room");
    const readers = [];
    for (const { topic } of topics) {
      for (const server of [one.server, one.server, two_.server]) readers.push({ topic, client: await join(server, `/?room=${topic}`) });
    }
    for (const { topic } of topics) expect([await one.server.count(topic), await two_.server.count(topic)]).toEqual([3, 3]);
    const per = 200;
    const outcomes = await Promise.all(
      topics.flatMap(({ topic }) =>
        [one, two_].flatMap((node, k) => tagged(`${k}`, per).map((text) => node.server.publish(topic, `${topic}/${text}`))),
      ),
    );
    expect(new Set(outcomes)).toEqual(new Set(["published"]));
    for (const { topic, client } of readers) {
      const seen = await client.wait(2 * per);
      for (const k of ["0", "1"]) {
        expect(seen.filter((m) => m.startsWith(`${topic}/${k}:`))).toEqual(tagged(`${topic}/${k}`, per));
      }
    }
    for (const { topic } of topics) await two_.server.publish(topic, "marker");
    for (const { client } of readers) {
      await vi.waitFor(() => expect(client.messages.at(-1)).toBe("marker"));
      expect(client.messages).toHaveLength(2 * per + 1);
    }
    // Each channel is on its own shard only, subscribed once per node.
    for (const { topic, port } of topics) {
      for (const other of topics) expect(await shards.shardNumSub(`scallion:topic:{${topic}}`, other.port)).toBe(other.port === port ? 2 : 0);
    }
  });

  it("subscribes a node to a shard channel only while it has subscribers there", async () => {
    const [one, two_] = await shards.two();
    const { topic, port } = (await shards.topicsOnEveryShard("solo"))[0] as { topic: string; port: number };
    const channel = `scallion:topic:{${topic}}`;
    const a = await join(one.server, `/?room=${topic}`);
    const b = await join(one.server, `/?room=${topic}`);
    expect(await shards.shardNumSub(channel, port)).toBe(1);
    const c = await join(two_.server, `/?room=${topic}`);
    expect(await shards.shardNumSub(channel, port)).toBe(2);
    a.ws.close();
    await vi.waitFor(async () => expect(await two_.server.count(topic)).toBe(2));
    expect(await shards.shardNumSub(channel, port)).toBe(2);
    b.ws.close();
    await vi.waitFor(async () => expect(await shards.shardNumSub(channel, port)).toBe(1));
    c.ws.close();
    await vi.waitFor(async () => expect(await shards.shardNumSub(channel, port)).toBe(0));
    await vi.waitFor(async () => expect(await one.server.count(topic)).toBe(0));
  });

  it("resumes a client's history on the other node, from the stream on the topic's shard", async () => {
    const [one, two_] = await shards.two({ history: { "fe*": { size: 1_000 } } });
    const [here, there] = [await shards.feedOn(one), await shards.feedOn(two_)];
    const client = reader();
    expect(await client.open(here)).toBe("outcome: subscribed");
    await here.publish("feed", "0");
    await vi.waitFor(() => expect(client.texts).toEqual(["0"]));
    await client.drop();
    for (let i = 1; i <= 300; i++) await (i % 2 === 0 ? here : there).publish("feed", String(i));
    expect(await client.open(there)).toBe("outcome: recovered");
    await here.publish("feed", "301");
    await vi.waitFor(() => expect(client.texts).toEqual(numbers(0, 301)));
    expect(await one.server.count("feed")).toBe(1);
  });

  it("carries a topic whose hash tag is empty (it starts with \"}\"), but cannot record its history", async () => {
    const [one, two_] = await shards.two({ history: { "}kept": { size: 10 } } });
    const [a, b] = [await join(two_.server, "/?room=}plain"), await join(two_.server, "/?room=}kept")];
    expect(await one.server.publish("}plain", "hi")).toBe("published");
    expect(await a.wait(1)).toEqual(["hi"]);
    expect(await one.server.count("}plain")).toBe(1);
    expect(await one.server.publish("}kept", "lost")).toBe("local"); // CROSSSLOT: its names hash whole
    await one.server.publish("}plain", "marker");
    await a.wait(2);
    expect(b.messages).toEqual([]);
  });
});
