import { sleep } from "../_process.js";
import type { ClientKind, Connection } from "./clients.js";
import { closeAll, openMany } from "./clients.js";
import { payload } from "./payload.js";
import type { Probe } from "./probe.js";
import { now, percentile } from "./stats.js";

export interface FanoutOptions {
  subscribers: number;
  publishes: number;
  /** Longest wait for one publish to reach everyone before the scenario fails. */
  timeoutMs: number;
}

export interface FanoutResult {
  /** From the publisher's send until the last subscriber has the message, in milliseconds. */
  medianMs: number;
  p99Ms: number;
  /** Server CPU time per message delivered to one subscriber, in microseconds. */
  cpuUsPerDelivery: number;
}

/**
 * `subscribers` connections join `/room`; one of them publishes, one message at a time, and each
 * publish is timed until every subscriber (the publisher included) has received it.
 */
export async function fanout(
  kind: ClientKind,
  port: number,
  server: Probe,
  options: FanoutOptions,
): Promise<FanoutResult> {
  const connections = await openMany(kind, port, "/room", options.subscribers);
  const publisher = connections[0] as Connection;
  let expected = "";
  let received = 0;
  let everyone: (() => void) | undefined;
  for (const connection of connections) {
    connection.onMessage((text) => {
      if (text === expected && ++received === connections.length) everyone?.();
    });
  }
  const publishOnce = async (tag: string): Promise<number | undefined> => {
    expected = payload(tag);
    received = 0;
    const all = new Promise<void>((resolve) => (everyone = resolve));
    const start = now();
    publisher.send(expected);
    const timedOut = await Promise.race([all.then(() => false), sleep(options.timeoutMs).then(() => true)]);
    return timedOut ? undefined : now() - start;
  };
  // A subscription may take a moment to be in place after the handshake: publish until one reaches all.
  for (let attempt = 0; (await publishOnce(`warm${attempt}-`)) === undefined; attempt++) {
    if (attempt === 5) throw new Error(`fan-out: a publish never reached all ${connections.length} subscribers`);
  }
  const times: number[] = [];
  const cpuBefore = server.cpuSeconds();
  for (let i = 0; i < options.publishes; i++) {
    const time = await publishOnce(`${i}-`);
    if (time === undefined) throw new Error(`fan-out: publish ${i} did not reach all subscribers in ${options.timeoutMs} ms`);
    times.push(time);
  }
  const cpu = server.cpuSeconds() - cpuBefore;
  await closeAll(connections);
  return {
    medianMs: percentile(times, 0.5),
    p99Ms: percentile(times, 0.99),
    cpuUsPerDelivery: (cpu * 1e6) / (options.publishes * connections.length),
  };
}
