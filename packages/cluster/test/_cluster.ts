import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterEach, expect, vi } from "vitest";
import { WebSocket } from "ws";

const FIXTURE = fileURLToPath(new URL("./_fixture.ts", import.meta.url));

/** A running fixture: a primary and its workers on one port. */
export interface TestCluster {
  readonly url: string;
  readonly primary: ChildProcess;
  /** Worker id → pid. */
  readonly workers: Readonly<Record<string, number>>;
  /** What the primary's hub holds and dropped. */
  hub(): Promise<HubFigures>;
}

export interface HubFigures {
  readonly dropped: number;
  readonly topics: number;
  readonly workers: number;
}

export interface Client {
  readonly ws: WebSocket;
  /** Messages but the "joined" line; a binary one as "binary <hex>". */
  readonly messages: string[];
  /** The outcome of its subscribe. */
  readonly outcome: string;
  /** The id of the worker it landed on. */
  readonly worker: string;
  /** Members counted when it joined. */
  readonly members: number;
  /** Waits for `n` messages in all (default: one more than now) and returns them. */
  wait(n?: number): Promise<string[]>;
}

/** For a describe block: starts a fixture per test (`start()`), stopped after it. */
export function clusters(): { start(env?: Record<string, string>): Promise<TestCluster> } {
  const running: ChildProcess[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map(stop));
  });
  return {
    start: async (env = {}) => {
      const primary = spawn(process.execPath, ["--conditions=@scallion/source", "--import", "tsx", FIXTURE], {
        env: { ...process.env, ...env },
        stdio: ["ignore", "pipe", "inherit"],
      });
      running.push(primary);
      const lines = readLines(primary);
      const { url, workers } = JSON.parse(await lines.next()) as { url: string; workers: Record<string, number> };
      const hub = async (): Promise<HubFigures> => {
        primary.kill("SIGUSR2");
        return JSON.parse(await lines.next()) as HubFigures;
      };
      return { url, primary, workers, hub };
    },
  };
}

/** The lines `child` prints, one at a time. */
function readLines(child: ChildProcess): { next(): Promise<string> } {
  let out = "";
  const waiting: ((line: string) => void)[] = [];
  const flush = (): void => {
    for (let end = out.indexOf("\n"); end !== -1 && waiting.length > 0; end = out.indexOf("\n")) {
      (waiting.shift() as (line: string) => void)(out.slice(0, end));
      out = out.slice(end + 1);
    }
  };
  child.stdout?.on("data", (chunk: Buffer) => {
    out += chunk.toString();
    flush();
  });
  const exited = new Promise<never>((_, reject) => child.once("exit", (code) => reject(new Error(`the fixture exited with ${code}: ${out}`))));
  exited.catch(() => {}); // only a pending next() cares
  return {
    next: () => {
      const line = new Promise<string>((resolve) => waiting.push(resolve));
      flush();
      return Promise.race([line, exited]);
    },
  };
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once("exit", () => resolve());
    child.kill("SIGCONT"); // a test may have stopped it
    child.kill("SIGTERM");
  });
}

/** Opens a client at `path` (a query: "?room=a") and waits for its "joined" line. */
export async function join(cluster: TestCluster, path = "/"): Promise<Client> {
  const ws = new WebSocket(`${cluster.url}${path}`);
  const messages: string[] = [];
  ws.on("message", (data: Buffer, binary: boolean) => messages.push(binary ? `binary ${data.toString("hex")}` : data.toString()));
  const wait = async (n = messages.length + 1): Promise<string[]> => {
    await vi.waitFor(
      () => {
        if (messages.length < n) throw new Error(`${messages.length} of ${n} messages: ${messages.slice(-3).join(" | ")}`);
      },
      { timeout: 5_000, interval: 5 },
    );
    return messages;
  };
  // On a topic with history, the position frame comes before the handler's line.
  await vi.waitFor(() => expect(messages.some((m) => m.startsWith("joined "))).toBe(true), { timeout: 5_000, interval: 5 });
  const [line] = messages.splice(messages.findIndex((m) => m.startsWith("joined ")), 1);
  const [, outcome = "", worker = "", members = ""] = /^joined (.+) (\d+) (\d+)$/.exec(line as string) ?? [];
  return { ws, messages, outcome, worker, members: Number(members), wait };
}

/**
 * Opens clients at `path` one at a time until `perWorker` of them are on each worker (the
 * primary hands connections to the workers in turn); their lists, by worker.
 */
export async function onEveryWorker(cluster: TestCluster, perWorker: number, path = "/"): Promise<Client[][]> {
  const ids = Object.keys(cluster.workers);
  const by = new Map<string, Client[]>(ids.map((id) => [id, []]));
  for (let opened = 0; [...by.values()].some((list) => list.length < perWorker); opened++) {
    if (opened > 10 * perWorker * ids.length) throw new Error("connections do not reach every worker");
    const client = await join(cluster, path);
    const list = by.get(client.worker) as Client[];
    if (list.length < perWorker) list.push(client);
    else client.ws.close();
  }
  return [...by.values()];
}

/** Asks `client`'s handler for the members of its room until it counts `members`. */
export async function counts(client: Client, members: number): Promise<void> {
  await vi.waitFor(async () => {
    client.ws.send("count");
    expect((await client.wait()).at(-1)).toBe(`members ${members}`);
  });
}
