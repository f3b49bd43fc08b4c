/** Monotonic milliseconds, the same clock in every process of the machine (CLOCK_MONOTONIC). */
export const now = (): number => Number(process.hrtime.bigint()) / 1e6;
