import { execFile, spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import type { Server } from "node:net";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * Throwaway Redis for tests: `startRedis()` runs Debian's `redis-server` on a free loopback port
 * without persistence, `startRedisCluster()` a cluster of three masters with a replica each;
 * `hasRedis` and `hasRedisCluster` say whether they are installed, so a suite can skip (with a
 * clear message) where they are not.
 */

export const REDIS_SERVER = "/usr/bin/redis-server";
export const REDIS_CLI = "/usr/bin/redis-cli";

/** Whether `redis-server` is installed; when not, this warns once, naming the package to install. */
export const hasRedis = existsSync(REDIS_SERVER);
if (!hasRedis) console.warn(`Redis tests skipped: ${REDIS_SERVER} not found (apt-get install redis-server)`);

/** Whether `redis-server` and `redis-cli` (which creates a cluster) are both installed. */
export const hasRedisCluster = hasRedis && existsSync(REDIS_CLI);
if (hasRedis && !hasRedisCluster) console.warn(`Redis Cluster tests skipped: ${REDIS_CLI} not found (apt-get install redis-tools)`);

/** A redis-server of the test's own on a free loopback port, without persistence. */
export interface TestRedis {
  readonly url: string;
  stop(): Promise<void>;
  /** Stops and starts it again on the same port, empty. */
  restart(): Promise<void>;
  /** Freezes it (SIGSTOP): connections stay open and nothing is answered, as on a hung server. */
  pause(): void;
  /** Lets a paused server go on (SIGCONT). */
  resume(): void;
}

/** `n` distinct free loopback ports: each held until all are found, then let go. */
async function freePorts(n: number): Promise<number[]> {
  const probes = await Promise.all(
    Array.from({ length: n }, () => new Promise<Server>((resolve) => {
      const probe = createServer().listen(0, "127.0.0.1", () => resolve(probe));
    })),
  );
  const ports = probes.map((probe) => (probe.address() as { port: number }).port);
  await Promise.all(probes.map((probe) => new Promise((resolve) => probe.close(resolve))));
  return ports;
}

function launch(port: number, extra: string[] = []): Promise<ChildProcess> {
  const child = spawn(
    REDIS_SERVER,
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--protected-mode", "no", ...extra],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes("Ready to accept connections")) {
        child.stdout?.removeAllListeners("data");
        child.stdout?.resume();
        resolve(child);
      }
    });
    child.once("exit", (code) => reject(new Error(`redis-server exited with ${code}:\n${out}`)));
  });
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve(); // already gone
    child.once("exit", () => resolve());
    child.kill("SIGKILL");
  });
}

/** Starts a redis-server on a free loopback port and waits until it accepts connections. */
export async function startRedis(): Promise<TestRedis> {
  const [port = 0] = await freePorts(1);
  let child = await launch(port);
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: () => stop(child),
    async restart() {
      await stop(child);
      child = await launch(port);
    },
    pause: () => void child.kill("SIGSTOP"),
    resume: () => void child.kill("SIGCONT"),
  };
}

/** One node of a {@link TestCluster}, as `CLUSTER NODES` on a live node describes it. */
export interface ClusterNode {
  readonly port: number;
  readonly id: string;
  readonly master: boolean;
  /** Marked failed by the cluster (killed, or unreachable past the node timeout). */
  readonly failed: boolean;
  /** A replica's master, by id. */
  readonly masterId: string | undefined;
  /** The slot ranges a master serves, inclusive. */
  readonly slots: readonly (readonly [number, number])[];
}

/** Three masters with a replica each, of the test's own, on free loopback ports. */
export interface TestCluster {
  /** Where to connect: `createRedisPubSub({ cluster: { rootNodes } })`. */
  readonly rootNodes: { url: string }[];
  /** Runs a command with redis-cli on `port`, or on a node that is up, and returns what it printed. */
  cli(args: string[], port?: number): Promise<string>;
  /** Every node, as a node that is up sees them now. */
  nodes(): Promise<ClusterNode[]>;
  /** The master that serves `slot` now. */
  masterOf(slot: number): Promise<ClusterNode>;
  /** Kills one node with SIGKILL, as a crash would; its replica takes over after the node timeout. */
  kill(port: number): Promise<void>;
  /** Kills every node and removes their config files. */
  stop(): Promise<void>;
}

/** Milliseconds before the cluster counts an unreachable node as failed (and promotes its replica). */
export const CLUSTER_NODE_TIMEOUT = 1_000;

function cli(port: number, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(REDIS_CLI, ["-h", "127.0.0.1", "-p", String(port), ...args], { timeout: 30_000 }, (error, stdout) =>
      error === null ? resolve(stdout.trim()) : reject(error),
    );
  });
}

async function until(what: string, check: () => Promise<boolean>, timeout = 20_000): Promise<void> {
  const deadline = Date.now() + timeout;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`redis cluster: ${what} not within ${timeout} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function parseNodes(text: string): ClusterNode[] {
  return text.split("\n").map((line) => {
    const [id = "", address = "", flags = "", masterId = "", , , , , ...slots] = line.split(" ");
    return {
      id,
      port: Number(/:(\d+)@/.exec(address)?.[1]),
      master: flags.split(",").includes("master"),
      failed: flags.split(",").includes("fail"),
      masterId: masterId === "-" ? undefined : masterId,
      slots: slots.filter((s) => /^\d/.test(s)).map((s) => {
        const [from, to = from] = s.split("-").map(Number);
        return [from as number, to as number] as const;
      }),
    };
  });
}

/**
 * Starts six redis-servers with `--cluster-enabled yes` and makes them a cluster with
 * `redis-cli --cluster create … --cluster-replicas 1`; resolves once every node says
 * `cluster_state:ok` and every replica is in sync with its master.
 */
export async function startRedisCluster(): Promise<TestCluster> {
  const dir = mkdtempSync(join(tmpdir(), "scallion-cluster-"));
  const ports: number[] = [];
  const children = new Map<number, ChildProcess>();
  const stopAll = async (): Promise<void> => {
    await Promise.all([...children.values()].map(stop));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    // Each node's cluster bus on a port of its own: the default, port + 10000, may be past 65535.
    const free = await freePorts(12);
    ports.push(...free.slice(0, 6));
    const clusterArgs = (port: number, bus: number): string[] => [
      "--cluster-enabled", "yes", "--cluster-port", String(bus), "--cluster-config-file", join(dir, `nodes-${port}.conf`),
      "--cluster-node-timeout", String(CLUSTER_NODE_TIMEOUT), "--dir", dir,
    ];
    await Promise.all(ports.map(async (port, i) => children.set(port, await launch(port, clusterArgs(port, free[6 + i] as number)))));
    const [first = 0] = ports;
    await cli(first, ["--cluster", "create", ...ports.map((p) => `127.0.0.1:${p}`), "--cluster-replicas", "1", "--cluster-yes"]);
    await until("cluster_state:ok on every node", async () => {
      const infos = await Promise.all(ports.map((p) => cli(p, ["cluster", "info"])));
      return infos.every((info) => info.includes("cluster_state:ok"));
    });
    await until("every replica in sync", async () => {
      const nodes = parseNodes(await cli(first, ["cluster", "nodes"]));
      const replicas = nodes.filter((n) => !n.master);
      if (replicas.length !== 3) return false;
      const links = await Promise.all(replicas.map((r) => cli(r.port, ["info", "replication"])));
      return links.every((info) => info.includes("master_link_status:up"));
    });
  } catch (error) {
    await stopAll();
    throw error;
  }
  const live = (): number => {
    for (const [port, child] of children) if (child.exitCode === null && child.signalCode === null) return port;
    throw new Error("redis cluster: every node is down");
  };
  const nodes = async (): Promise<ClusterNode[]> => parseNodes(await cli(live(), ["cluster", "nodes"]));
  return {
    rootNodes: ports.map((port) => ({ url: `redis://127.0.0.1:${port}` })),
    cli: (args, port = live()) => cli(port, args),
    nodes,
    async masterOf(slot) {
      const master = (await nodes()).find((n) => n.master && !n.failed && n.slots.some(([from, to]) => from <= slot && slot <= to));
      if (master === undefined) throw new Error(`redis cluster: no master serves slot ${slot}`);
      return master;
    },
    async kill(port) {
      const child = children.get(port);
      if (child !== undefined) await stop(child);
    },
    stop: stopAll,
  };
}
