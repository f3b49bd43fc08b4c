import { createRedisPubSub } from "@scallion/redis";
import type { TestRedis } from "@scallion/redis/testing";
import { hasRedis, startRedis } from "@scallion/redis/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { LOCAL_ONLY } from "../src/chat.js";
import { HISTORY } from "../src/history.js";
import type { Member, RunningChat } from "./_chat.js";
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

  it("through a Redis outage: lines reach this instance's members once, their sender is told, and the rooms join up again", async () => {
    const [one, other] = await two();
    const ann = await join(one.base, "/chat/lobby?name=ann");
    const cat = await join(one.base, "/chat/lobby?name=cat");
    const bob = await join(other.base, "/chat/lobby?name=bob");
    await Promise.all([ann.saw({ type: "join", from: "bob" }), cat.saw({ type: "join", from: "bob" })]);
    ann.say("before");
    await bob.saw({ type: "message", text: "before" });
    await redis.stop();
    const down = Array.from({ length: 8 }, (_, i) => `while down ${i}`);
    for (const text of down) ann.say(text);
    const texts = (member: Member): string[] => member.received.flatMap((m) => (m.type === "message" ? [m.text] : []));
    await vi.waitFor(() => expect(texts(cat)).toEqual(["before", ...down]));
    await vi.waitFor(() => expect(ann.received.filter((m) => m.type === "notice")).toHaveLength(down.length));
    expect(ann.received.filter((m) => m.type === "notice")[0]).toEqual({ type: "notice", text: LOCAL_ONLY });
    expect(texts(ann)).toEqual(["before", ...down]);
    await redis.restart();
    let n = 0;
    await vi.waitFor(
      async () => {
        ann.say(`back ${++n}`);
        await new Promise((resolve) => setTimeout(resolve, 25));
        if (!texts(bob).some((t) => t.startsWith("back"))) throw new Error("not yet");
      },
      { timeout: 15_000, interval: 250 },
    );
    // Bob never got what was said during the outage, and nobody got any line twice.
    expect(texts(bob).filter((t) => t.startsWith("while down"))).toEqual([]);
    for (const member of [ann, cat, bob]) expect(new Set(texts(member)).size).toBe(texts(member).length);
  });
});
