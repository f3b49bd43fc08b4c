import { fork } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { HolderCommand, HolderReport } from "./holder.js";
import type { TallyReport } from "./tally.js";

/** How long any one step of the load generator may take before the run fails. */
const STEP_TIMEOUT_MS = 120_000;

/**
 * The scale benchmark's load generator: several {@link holder.ts} processes, each opening its
 * connections from a loopback address of its own (127.0.0.2, 127.0.0.3 …), so that no source
 * address runs out of ephemeral ports and no process out of open files.
 */
export class Holders {
  readonly #children: ChildProcess[];

  constructor(count: number) {
    const script = fileURLToPath(new URL("holder.ts", import.meta.url));
    this.#children = Array.from({ length: count }, () =>
      fork(script, { execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] }),
    );
  }

  get size(): number {
    return this.#children.length;
  }

  /** Opens `count` more connections to `route`, spread evenly over the holders. */
  async open(port: number, count: number, route = "/room"): Promise<void> {
    const share = Math.ceil(count / this.size);
    await Promise.all(
      this.#children.map((child, i) => {
        const n = Math.min(share, count - i * share);
        if (n <= 0) return Promise.resolve();
        return this.#ask(child, { type: "open", port, route, count: n, localAddress: `127.0.0.${2 + i}`, concurrency: 64 }, "opened");
      }),
    );
  }

  /**
   * Publishes `text` from one connection and resolves with the milliseconds until every held
   * connection (the publisher's included) has received it.
   */
  async publish(text: string): Promise<number> {
    await Promise.all(this.#children.map((child) => this.#ask(child, { type: "expect", text }, "ready")));
    const received = this.#children.map((child) => this.#next(child, "received"));
    const sent = this.#ask(this.#children[0] as ChildProcess, { type: "publish", text }, "sent");
    const [{ at: start }, arrivals] = await Promise.all([sent, Promise.all(received)]);
    return Math.max(...arrivals.map((r) => r.at)) - start;
  }

  /**
   * Sends `count` numbered messages from the first holder's first connection, one every
   * `intervalMs`, and returns what every holder counted of them once all `connections` have
   * received every one, or `patienceMs` after the last was sent.
   */
  async stream(count: number, intervalMs: number, connections: number, patienceMs: number): Promise<TallyReport[]> {
    await Promise.all(this.#children.map((child) => this.#ask(child, { type: "tally" }, "ready")));
    await this.#ask(this.#children[0] as ChildProcess, { type: "stream", count, intervalMs }, "streamed");
    const deadline = performance.now() + patienceMs;
    for (;;) {
      const reports = await Promise.all(this.#children.map((child) => this.#ask(child, { type: "report", sent: count }, "counted")));
      const delivered = reports.reduce((sum, r) => sum + r.deliveries, 0);
      if (delivered >= count * connections || performance.now() > deadline) return reports;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  close(): void {
    for (const child of this.#children) child.send({ type: "close" } satisfies HolderCommand);
  }

  #ask<T extends HolderReport["type"]>(child: ChildProcess, command: HolderCommand, answer: T): Promise<Extract<HolderReport, { type: T }>> {
    const reply = this.#next(child, answer);
    child.send(command);
    return reply;
  }

  /** The next report of type `type` from `child`; a "failed" report or the timeout rejects. */
  #next<T extends HolderReport["type"]>(child: ChildProcess, type: T): Promise<Extract<HolderReport, { type: T }>> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => done(new Error(`holder ${child.pid}: no "${type}" within ${STEP_TIMEOUT_MS} ms`)), STEP_TIMEOUT_MS);
      const onMessage = (report: HolderReport): void => {
        if (report.type === "failed") done(new Error(`holder ${child.pid}: ${report.why}`));
        else if (report.type === type) done(undefined, report as Extract<HolderReport, { type: T }>);
      };
      const onExit = (code: number | null): void => done(new Error(`holder ${child.pid} exited (${code})`));
      const done = (error: Error | undefined, report?: Extract<HolderReport, { type: T }>): void => {
        clearTimeout(timer);
        child.off("message", onMessage);
        child.off("exit", onExit);
        if (error) reject(error);
        else resolve(report as Extract<HolderReport, { type: T }>);
      };
      child.on("message", onMessage);
      child.once("exit", onExit);
    });
  }
}
