/**
 * Where Scallion reports what happened: any object with `info`, `warn` and `error` taking
 * `(context, message)`, so `console` and `pino` both plug in.
 */
export interface Logger {
  info(context: object, message: string): void;
  warn(context: object, message: string): void;
  error(context: object, message: string): void;
}

const noop = (): void => {};

/** A logger that says nothing. */
export const silentLogger: Logger = { info: noop, warn: noop, error: noop };

/** The default: `console`, with context after the message so lines read well. */
export const consoleLogger: Logger = {
  info: (context, message) => console.info(`[scallion] ${message}`, context),
  warn: (context, message) => console.warn(`[scallion] ${message}`, context),
  error: (context, message) => console.error(`[scallion] ${message}`, context),
};
