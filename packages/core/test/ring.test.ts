import { describe, expect, it } from "vitest";
import { Ring } from "../src/ring.js";

describe("Ring", () => {
  it("keeps the last `capacity` items in order, growing as they come", () => {
    const ring = new Ring<number>(20);
    for (let i = 1; i <= 5; i++) ring.push(i);
    expect(ring.newest(ring.length)).toEqual([1, 2, 3, 4, 5]);
    for (let i = 6; i <= 53; i++) ring.push(i);
    expect(ring.length).toBe(20);
    expect(ring.newest(20)).toEqual(Array.from({ length: 20 }, (_, i) => 34 + i));
    expect(ring.at(0)).toBe(34);
    expect(ring.newest(3)).toEqual([51, 52, 53]);
  });

  it("drops from the front, wrapping around, and takes new items after", () => {
    const ring = new Ring<number>(4);
    for (let i = 1; i <= 6; i++) ring.push(i); // 3 4 5 6, the oldest wrapped past the end
    ring.dropOldest(3);
    expect(ring.newest(ring.length)).toEqual([6]);
    ring.push(7);
    ring.push(8);
    expect(ring.newest(ring.length)).toEqual([6, 7, 8]);
    ring.dropOldest(10);
    expect(ring.length).toBe(0);
    ring.push(9);
    expect(ring.newest(1)).toEqual([9]);
  });

  it("grows while it wraps: items pushed after a drop keep their order through the growth", () => {
    const ring = new Ring<number>(100);
    for (let i = 0; i < 8; i++) ring.push(i);
    ring.dropOldest(5);
    for (let i = 8; i < 40; i++) ring.push(i);
    expect(ring.newest(ring.length)).toEqual(Array.from({ length: 35 }, (_, i) => 5 + i));
  });
});
