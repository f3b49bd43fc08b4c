import type { EchoOptions } from "./echo.js";
import type { FanoutOptions } from "./fanout.js";
import type { MemoryOptions } from "./memory.js";
import type { HandshakeOptions } from "./handshakes.js";

/** What the load generator can measure, in the order it measures it. */
export type Scenario = "memory" | "handshakes" | "client-handshakes" | "echo" | "pipelined" | "fanout";

/**
 * `handshakes` opens and closes connections with the minimal raw-TCP client (the server is the
 * bottleneck), `client-handshakes` with the `ws` (or Socket.IO) client (the client is).
 */
export const SCENARIOS: readonly Scenario[] = ["memory", "handshakes", "client-handshakes", "echo", "pipelined", "fanout"];

/** The scenarios run against each server in each round, and how hard. */
export interface Plan {
  rounds: number;
  scenarios: readonly Scenario[];
  /** Idle connections opened to measure memory per connection, and how long the server idles. */
  memory: MemoryOptions;
  handshakes: HandshakeOptions;
  echo: EchoOptions;
  pipelined: EchoOptions;
  fanouts: readonly FanoutOptions[];
}

/** The full benchmark, as issue 9 describes it. */
export const FULL: Plan = {
  // Five rounds: closed-loop echo has a fast and a slow mode (the cost of the write syscall on
  // loopback depends on how often the client must be woken; see RESULTS.md), and the median of
  // five is less at the mercy of one slow round than that of three.
  rounds: 5,
  scenarios: SCENARIOS,
  memory: { connections: 5_000, settleMs: 15_000 },
  handshakes: { concurrency: 16, warmupMs: 1_000, windowMs: 4_000 },
  echo: { connections: 64, inFlight: 1, warmupMs: 1_500, windowMs: 5_000 },
  pipelined: { connections: 64, inFlight: 16, warmupMs: 1_500, windowMs: 5_000 },
  fanouts: [
    { subscribers: 1_000, publishes: 60, timeoutMs: 10_000 },
    { subscribers: 5_000, publishes: 30, timeoutMs: 20_000 },
  ],
};

/** A smoke run of every scenario, small and short: it proves the benchmark still works, not speed. */
export const QUICK: Plan = {
  rounds: 1,
  scenarios: SCENARIOS,
  memory: { connections: 200, settleMs: 0 },
  handshakes: { concurrency: 4, warmupMs: 100, windowMs: 400 },
  echo: { connections: 8, inFlight: 1, warmupMs: 100, windowMs: 400 },
  pipelined: { connections: 8, inFlight: 16, warmupMs: 100, windowMs: 400 },
  fanouts: [{ subscribers: 100, publishes: 5, timeoutMs: 5_000 }],
};

/** The closed-loop echo of the full run, alone and longer: what `profile.ts` records. */
export const PROFILE: Plan = {
  ...FULL,
  rounds: 1,
  scenarios: ["echo"],
  echo: { ...FULL.echo, windowMs: 10_000 },
};

/** Handshakes alone and longer: what `profile.ts --handshakes` records. */
export const PROFILE_HANDSHAKES: Plan = {
  ...FULL,
  rounds: 1,
  scenarios: ["handshakes"],
  handshakes: { ...FULL.handshakes, windowMs: 10_000 },
};
