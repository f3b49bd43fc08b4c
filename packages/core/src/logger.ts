/**
 * Where Scallion reports what happened: any object with `info`, `warn` and `error` (and, if it
 * has one, `debug`) taking `(context, message)`, so `console` and `pino` both plug in. Server
 * faults (a handler that throws, a failing engine) go to `warn`/`error`; what a client did wrong
 * (bad frames, invalid messages) goes to `debug` only, and is counted in `stats()`.
 */
export interface Logger {
  debug?(context: object, message: string): void;
  info(context: object, message: string): void;
  warn(context: object, message: string): void;
  error(context: object, message: string): void;
}

const noop = (): void => {};

/** A logger that says nothing. */
export const silentLogger: Logger = { info: noop, warn: noop, error: noop };

/** The default: `console`, with context after the message so lines read well; no debug lines. */
export const consoleLogger: Logger = {
  info: (context, message) => console.info(`[scallion] ${message}`, context),
  warn: (context, message) => console.warn(`[scallion] ${message}`, context),
  error: (context, message) => console.error(`[scallion] ${message}`, context),
};

/** How many lines a runtime writes per window at most, and the window in milliseconds. */
export const LOG_BUDGET = { lines: 50, per: 10_000 } as const;

type Level = "debug" | "info" | "warn" | "error";

/** A logger that always has `debug` (a no-op where the given one has none). */
export type RuntimeLogger = Required<Logger>;

/**
 * `logger`, writing at most `lines` lines per `per` ms, so that a burst (many clients failing
 * at once, a handler throwing for every connection) cannot flood the log: the lines past the
 * budget are dropped, and one warning at the end of the window says how many, by level.
 */
export function throttledLogger(logger: Logger, { lines, per }: { lines: number; per: number } = LOG_BUDGET): RuntimeLogger {
  let written = 0;
  let dropped: Partial<Record<Level, number>> = {};
  let window: NodeJS.Timeout | undefined;
  const endWindow = (): void => {
    window = undefined;
    written = 0;
    const counts = dropped;
    dropped = {};
    if (Object.keys(counts).length > 0) logger.warn({ dropped: counts, seconds: per / 1000 }, "log lines dropped: too many");
  };
  const at =
    (level: Level) =>
    (context: object, message: string): void => {
      const write = level === "debug" ? logger.debug?.bind(logger) : logger[level].bind(logger);
      if (write === undefined) return;
      if (window === undefined) {
        window = setTimeout(endWindow, per);
        window.unref();
      }
      if (written >= lines) {
        dropped[level] = (dropped[level] ?? 0) + 1;
        return;
      }
      written++;
      write(context, message);
    };
  return { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
}
