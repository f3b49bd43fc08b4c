/** Bounds of the reconnection delay; see {@link backoffDelay}. */
export interface BackoffOptions {
  /** Ceiling of the first retry's delay, in ms. Default 500. */
  min?: number;
  /** Largest ceiling, in ms. Default 30 000. */
  max?: number;
  /** How much the ceiling grows after each failed attempt. Default 2. */
  factor?: number;
}

export const DEFAULT_BACKOFF = { min: 500, max: 30_000, factor: 2 } as const satisfies Required<BackoffOptions>;

/**
 * The delay before retry number `attempt` (0 for the first): exponential backoff with full
 * jitter, a uniform draw from `[0, min(max, min · factor^attempt)]`. Jitter spreads the clients
 * that a server restart disconnected at the same instant, so they do not all come back at once.
 *
 * @example
 * backoffDelay(3, { min: 100, max: 5_000 }); // somewhere in [0, 800]
 */
export function backoffDelay(attempt: number, options: BackoffOptions = {}, random: () => number = Math.random): number {
  const { min, max, factor } = { ...DEFAULT_BACKOFF, ...options };
  const ceiling = Math.min(max, min * factor ** Math.max(0, attempt));
  return Math.floor(random() * ceiling);
}
