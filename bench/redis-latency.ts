/**
 * The latency a publish through Redis adds on loopback: one process publishes through one
 * RedisPubSub, another instance (its own connections, as a second node would have) receives;
 * the round is timed from publish() to the listener, sequentially, against an in-memory engine.
 *
 *   pnpm --filter @scallion/bench redis-latency
 */
import type { PubSub } from "@scallion/core";
import type { PubSubMessage } from "@scallion/core/transport";
import { MemoryPubSub } from "@scallion/core";
import { createRedisPubSub } from "@scallion/redis";
import { startRedis } from "@scallion/redis/testing";

const ROUNDS = 2_000;

async function measure(sender: PubSub, receiver: PubSub): Promise<number[]> {
  let arrived: (() => void) | undefined;
  const listener = (_message: PubSubMessage): void => arrived?.();
  await receiver.subscribe("latency", listener);
  const samples: number[] = [];
  for (let i = 0; i < ROUNDS + 200; i++) {
    const got = new Promise<void>((resolve) => (arrived = resolve));
    const started = process.hrtime.bigint();
    await sender.publish({ topic: "latency", data: `round ${i} ${"x".repeat(48)}`, origin: "bench" });
    await got;
    if (i >= 200) samples.push(Number(process.hrtime.bigint() - started) / 1e3); // warm-up excluded
  }
  await receiver.unsubscribe("latency", listener);
  return samples.sort((a, b) => a - b);
}

const at = (sorted: number[], q: number): string => `${(sorted[Math.floor(q * (sorted.length - 1))] ?? 0).toFixed(0)} µs`;

const redis = await startRedis();
try {
  const one = await createRedisPubSub({ url: redis.url, logger: false });
  const two = await createRedisPubSub({ url: redis.url, logger: false });
  const memory = new MemoryPubSub();
  const viaMemory = await measure(memory, memory);
  const viaRedis = await measure(one, two);
  console.log(`| engine | p50 | p99 |\n|---|---|---|`);
  console.log(`| in memory | ${at(viaMemory, 0.5)} | ${at(viaMemory, 0.99)} |`);
  console.log(`| Redis (two instances, loopback) | ${at(viaRedis, 0.5)} | ${at(viaRedis, 0.99)} |`);
  await Promise.all([one.close(), two.close()]);
} finally {
  await redis.stop();
}
