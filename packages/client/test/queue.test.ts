import { describe, expect, it } from "vitest";
import { BoundedQueue } from "../src/queue.js";

describe("BoundedQueue", () => {
  it("gives items back in the order they were pushed", () => {
    const queue = new BoundedQueue<number>(5);
    [1, 2, 3].forEach((n) => queue.push(n));
    expect(queue.drain()).toEqual([1, 2, 3]);
    expect(queue.size).toBe(0);
  });

  it("refuses a push past its limit and keeps what it holds", () => {
    const queue = new BoundedQueue<string>(2);
    expect(queue.push("a")).toBe(true);
    expect(queue.push("b")).toBe(true);
    expect(queue.push("c")).toBe(false);
    expect(queue.drain()).toEqual(["a", "b"]);
    expect(queue.push("d")).toBe(true);
  });

  it("with a limit of 0 holds nothing", () => {
    expect(new BoundedQueue(0).push(1)).toBe(false);
  });
});
