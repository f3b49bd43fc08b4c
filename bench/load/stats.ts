/** The value below which `p` (0…1) of `values` fall, by nearest rank; NaN for none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] as number;
}

export const median = (values: readonly number[]): number => percentile(values, 0.5);

/** Milliseconds since an arbitrary origin, with sub-microsecond resolution. */
export const now = (): number => performance.now();
