import { describe, expect, it } from "vitest";
import { backoffDelay, DEFAULT_BACKOFF } from "../src/backoff.js";

describe("backoffDelay", () => {
  it("draws the first delay from [0, min]", () => {
    expect(backoffDelay(0, { min: 100 }, () => 0)).toBe(0);
    expect(backoffDelay(0, { min: 100 }, () => 0.5)).toBe(50);
    expect(backoffDelay(0, { min: 100 }, () => 0.999999)).toBe(99);
  });

  it("multiplies the ceiling by factor after each attempt", () => {
    const top = (attempt: number) => backoffDelay(attempt, { min: 100, max: 1e9, factor: 3 }, () => 0.999999);
    expect([0, 1, 2, 3].map(top)).toEqual([99, 299, 899, 2699]);
  });

  it("never exceeds max, however many attempts failed", () => {
    for (const attempt of [10, 50, 1_000, 1e6]) {
      expect(backoffDelay(attempt, { min: 100, max: 2_000 }, () => 0.999999)).toBe(1999);
    }
  });

  it("spreads delays over the whole range (full jitter)", () => {
    const delays = Array.from({ length: 2_000 }, () => backoffDelay(4, { min: 100, max: 1_000 }));
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...delays)).toBeLessThan(1_000);
    expect(Math.min(...delays)).toBeLessThan(100);
    expect(Math.max(...delays)).toBeGreaterThan(900);
  });

  it("defaults to 500 ms, 30 s and a factor of 2", () => {
    expect(DEFAULT_BACKOFF).toEqual({ min: 500, max: 30_000, factor: 2 });
    expect(backoffDelay(1, {}, () => 0.5)).toBe(500);
  });
});
