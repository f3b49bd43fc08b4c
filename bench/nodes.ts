/**
 * Many Scallion nodes on one Redis: 1, 2 and 4 processes (servers/scallion-redis.ts) share the
 * same subscribers of one topic, spread evenly. For each count it measures fan-out latency
 * (p50/p99, a steady stream of numbered messages from one client), throughput (a burst), counts
 * every delivery at every subscriber (exactly once, nothing missing), and shows per-topic
 * reference counting: a topic with one subscriber on node 1, published to from node 2, has one
 * Redis subscriber (`PUBSUB NUMSUB`), and the nodes without its subscribers read nothing of its
 * traffic from Redis (bytes received on their Redis sockets, from `ss`).
 *
 *   pnpm nodes [--compiled] [--nodes 1,2,4] [--subscribers 18000] [--messages 100] [--interval 50] [--burst 20]
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { startRedis } from "@scallion/redis/testing";
import { compileServers, startServer } from "./_process.js";
import type { ServerProcess } from "./_process.js";
import { SERVER_NODE_ARGS } from "./contenders.js";
import { machine } from "./report.js";
import { Holders } from "./scale/holders.js";
import type { TallyReport } from "./scale/tally.js";
import { quantile } from "./scale/tally.js";

const { values: args } = parseArgs({
  options: {
    compiled: { type: "boolean", default: false },
    nodes: { type: "string", default: "1,2,4" },
    subscribers: { type: "string", default: "18000" },
    messages: { type: "string", default: "100" },
    interval: { type: "string", default: "50" },
    burst: { type: "string", default: "20" },
  },
});
const subscribers = Number(args.subscribers);
const mode = args.compiled ? "compiled" : "tsx";
if (mode === "compiled") compileServers();
const script = fileURLToPath(new URL("servers/scallion-redis.ts", import.meta.url));

const redis = await startRedis();
const redisPort = Number(new URL(redis.url).port);
const rows: string[] = [];
try {
  for (const count of args.nodes.split(",").map(Number)) {
    console.error(`${count} node(s), ${subscribers} subscribers`);
    rows.push(await run(count));
  }
} finally {
  await redis.stop();
}
console.log(`${machine()}\n${new Date().toISOString()}, servers on ${mode}, ${subscribers} subscribers of one topic\n`);
console.log("| nodes | fan-out p50 ms | p99 ms | burst deliveries/s | deliveries (expected) | duplicates | missing | NUMSUB room, solo | bytes from Redis per node during 1,000 solo messages |");
console.log("|---:|---:|---:|---:|---:|---:|---:|---|---|");
for (const row of rows) console.log(row);

async function run(count: number): Promise<string> {
  redisCli("FLUSHALL");
  const nodes = await Promise.all(
    Array.from({ length: count }, () => startServer(script, { mode, nodeArgs: SERVER_NODE_ARGS, env: { REDIS_URL: redis.url } })),
  );
  const holders = new Holders(Math.ceil(subscribers / 9_000));
  const solo = new Holders(1);
  try {
    for (const node of nodes) await holders.open(node.port, Math.round(subscribers / count));
    const held = Math.round(subscribers / count) * count;
    const steady = await holders.stream(Number(args.messages), Number(args.interval), held, 30_000);
    const burst = await holders.stream(Number(args.burst), 0, held, 60_000);
    const burstMs = quantile(burst.map((r) => r.latencies), 1);
    const all = [...steady, ...burst];
    const delivered = sum(all, "deliveries");
    const expected = (Number(args.messages) + Number(args.burst)) * held;
    // One subscriber of "solo" on the first node; its publisher on the last node, not subscribed.
    await solo.open((nodes[0] as ServerProcess).port, 1, "/solo");
    const publisher = new Holders(1);
    await publisher.open((nodes[nodes.length - 1] as ServerProcess).port, 1, "/to-solo");
    const numsub = `${numsubOf("room")}, ${numsubOf("solo")}`;
    const before = bytesFromRedis(nodes);
    await publisher.stream(1_000, 0, 0, 0);
    await solo.stream(0, 0, 0, 0); // a round trip through every holder: what was sent has arrived
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const after = bytesFromRedis(nodes);
    publisher.close();
    const bytes = nodes.map((_, i) => `node ${i + 1}: ${((after[i] as number) - (before[i] as number)).toLocaleString("en-US")}`).join(", ");
    const latencies = steady.map((r) => r.latencies);
    return (
      `| ${count} | ${quantile(latencies, 0.5).toFixed(2)} | ${quantile(latencies, 0.99).toFixed(2)} | ` +
      `${Math.round((Number(args.burst) * held * 1000) / burstMs).toLocaleString("en-US")} | ` +
      `${delivered.toLocaleString("en-US")} (${expected.toLocaleString("en-US")}) | ${sum(all, "duplicates")} | ${sum(all, "missing")} | ${numsub} | ${bytes} |`
    );
  } finally {
    holders.close();
    solo.close();
    await Promise.all(nodes.map((node) => node.stop()));
  }
}

function sum(reports: readonly TallyReport[], key: "deliveries" | "duplicates" | "missing"): number {
  return reports.reduce((total, r) => total + r[key], 0);
}

function redisCli(...command: string[]): string {
  const result = spawnSync("redis-cli", ["-p", String(redisPort), ...command], { encoding: "utf8" });
  if (result.status !== 0) throw new Error(`redis-cli ${command.join(" ")}: ${result.stderr}`);
  return result.stdout;
}

/** Redis subscribers of the channel that carries `topic` (its name ends with `:topic`, perhaps in braces). */
function numsubOf(topic: string): number {
  const channel = redisCli("PUBSUB", "CHANNELS", "*")
    .split("\n")
    .find((name) => name.replace(/[{}]/g, "").endsWith(`:${topic}`));
  if (channel === undefined) return 0;
  return Number(redisCli("PUBSUB", "NUMSUB", channel).split("\n")[1]);
}

/** Bytes each node has received on its connections to Redis so far (TCP info, from `ss`). */
function bytesFromRedis(nodes: readonly ServerProcess[]): number[] {
  const out = spawnSync("ss", ["-tinpH", "dst", `127.0.0.1:${redisPort}`], { encoding: "utf8" }).stdout;
  const totals = new Map<number, number>();
  // Each socket: a line naming its process (pid=…), then one of TCP info (bytes_received:…).
  let pid: number | undefined;
  for (const line of out.split("\n")) {
    const owner = /pid=(\d+)/.exec(line);
    if (owner) pid = Number(owner[1]);
    const received = /bytes_received:(\d+)/.exec(line);
    if (received && pid !== undefined) totals.set(pid, (totals.get(pid) ?? 0) + Number(received[1]));
  }
  return nodes.map((node) => totals.get(node.child.pid as number) ?? 0);
}
