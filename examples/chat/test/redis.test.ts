import { createRedisPubSub } from "@scallion/redis";
import type { TestRedis } from "@scallion/redis/testing";
import { hasRedis, startRedis } from "@scallion/redis/testing";
import { afterAll, afterEach, beforeAll, describe, it, vi } from "vitest";
import { HISTORY } from "../src/history.js";
import type { RunningChat } from "./_chat.js";
import { join, startChat } from "./_chat.js";

describe.skipIf(!hasRedis)("two chat instances sharing rooms through Redis", () => {
  let redis: TestRedis;
  let instances: RunningChat[] = [];
  const engines: { close(): Promise<void> }[] = [];

  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(() => redis?.stop());
  afterEach(async () => {
    await Promise.all(instances.map((i) => i.stop()));
    await Promise.all(engines.splice(0).map((e) => e.close()));
    instances = [];
  });

  async function two(): Promise<[RunningChat, RunningChat]> {
    for (let i = 0; i < 2; i++) {
      const pubsub = await createRedisPubSub({ url: redis.url, logger: false, history: HISTORY });
      engines.push(pubsub);
      instances.push(await startChat({ pubsub }));
    }
    return instances as [RunningChat, RunningChat];
  }

  it("shares lines, joins and member counts across instances", async () => {
    const [one, other] = await two();
    const ann = await join(one.base, "/chat/lobby?name=ann");
    await ann.saw({ type: "join", from: "ann", members: 1 });
    const bob = await join(other.base, "/chat/lobby?name=bob");
    await bob.saw({ type: "join", from: "bob", members: 2 });
    await ann.saw({ type: "join", from: "bob", members: 2 });
    bob.say("across instances");
    await ann.saw({ type: "message", from: "bob", text: "across instances" });
    await bob.saw({ type: "message", from: "bob", text: "across instances" });
    ann.ws.close();
    await bob.saw({ type: "leave", from: "ann", members: 1 });
    // Exactly once: one copy of each line per member.
    await vi.waitFor(() => {
      const lines = bob.received.filter((m) => m.type === "message");
      if (lines.length !== 1) throw new Error(`expected one line, got ${lines.length}`);
    });
  });

  it("keeps chatting after a Redis restart", async () => {
    const [one, other] = await two();
    const ann = await join(one.base, "/chat/lobby?name=ann");
    const bob = await join(other.base, "/chat/lobby?name=bob");
    await ann.saw({ type: "join", from: "bob" });
    await redis.restart();
    let n = 0;
    await vi.waitFor(
      async () => {
        ann.say(`after restart ${++n}`);
        await new Promise((resolve) => setTimeout(resolve, 25));
        if (!bob.received.some((m) => m.type === "message" && m.text.startsWith("after restart"))) throw new Error("not yet");
      },
      { timeout: 15_000, interval: 100 },
    );
  });
});
