import { constants } from "node:os";
import { checkOptions, optionChecks } from "./option-check.js";

/** Options of {@link closeOnSignal}. */
export interface CloseOnSignalOptions {
  /** Signals that start the shutdown. Default SIGINT and SIGTERM. */
  signals?: readonly NodeJS.Signals[];
  /**
   * Milliseconds after the first signal during which more signals are the same request: a
   * process group gets the signal directly, and npx, pnpm or tsx each pass it on as well. A
   * signal after that exits at once, with 128 + its number. Default 1 s.
   */
  repeatWindow?: number;
  /** Milliseconds `close` may take before the process exits with 1 anyway; null waits for it. Default 30 s. */
  timeout?: number | null;
}

const checks = {
  signals: (v: unknown) =>
    Array.isArray(v) && v.length > 0 && v.every((s) => typeof s === "string" && s in constants.signals)
      ? undefined
      : "a non-empty array of signal names",
  repeatWindow: optionChecks.duration,
  timeout: optionChecks.durationOrNull,
};

/**
 * Shuts the process down gracefully on SIGINT or SIGTERM: runs `close` once (say, `server.close()`
 * and then the app's own cleanup) and exits with 0 when it resolves, 1 when it rejects or takes
 * longer than `timeout`. A signal repeated within `repeatWindow` does not cut the shutdown short;
 * one sent later (a second Ctrl-C) exits at once. Returns a function that removes the handlers.
 *
 * @example
 * const server = await serve(app, { port: 8080 });
 * closeOnSignal(() => server.close());
 */
export function closeOnSignal(close: () => Promise<unknown>, options: CloseOnSignalOptions = {}): () => void {
  if (typeof close !== "function") throw new TypeError("closeOnSignal(): close must be a function returning a promise");
  checkOptions("closeOnSignal()", options, checks);
  const { signals = ["SIGINT", "SIGTERM"], repeatWindow = 1_000, timeout = 30_000 } = options;
  let firstAt: number | undefined;
  const exit = (code: number, why?: string): void => {
    if (why !== undefined) console.error(`closeOnSignal(): ${why}`);
    process.exit(code);
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    if (firstAt !== undefined) {
      if (Date.now() - firstAt > repeatWindow) exit(128 + constants.signals[signal], `${signal} again: exiting without waiting`);
      return;
    }
    firstAt = Date.now();
    if (timeout !== null) {
      setTimeout(() => exit(1, `shutdown took longer than ${timeout} ms: exiting`), timeout).unref();
    }
    Promise.resolve()
      .then(close)
      .then(
        () => exit(0),
        (error: unknown) => {
          console.error(error);
          exit(1);
        },
      );
  };
  for (const signal of signals) process.on(signal, onSignal);
  return () => {
    for (const signal of signals) process.off(signal, onSignal);
  };
}
