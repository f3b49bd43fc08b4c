import { describe, expect, it } from "vitest";
import { decodeFrame, encodeFrame } from "../src/index.js";

describe("frames on the wire", () => {
  it("round-trip text, binary with every byte value, excluded ids and the origin", () => {
    const bytes = new Uint8Array(256).map((_, i) => i);
    const origin = "0b5c2d9e-node";
    for (const message of [
      { topic: "t", data: "héllo 🧅", origin },
      { topic: "t", data: "", origin: "" },
      { topic: "t", data: bytes, exclude: ["4b6f-id", "another"], origin },
      { topic: "t", data: new Uint8Array(0), origin: "é".repeat(100) },
      { topic: "t", data: "kept", origin, position: { epoch: "Xk2bQ9aZ", offset: 2 ** 40 } },
      { topic: "t", data: bytes, exclude: ["a"], origin, position: { epoch: "", offset: 0 } },
    ]) {
      const back = decodeFrame("t", encodeFrame(message));
      expect(typeof back.data).toBe(typeof message.data);
      expect(back.data instanceof Uint8Array ? [...back.data] : back.data).toEqual(
        message.data instanceof Uint8Array ? [...message.data] : message.data,
      );
      expect(back.exclude).toEqual(message.exclude);
      expect(back.origin).toBe(message.origin);
      expect(back.position).toEqual(message.position);
    }
  });

  it("refuses bytes that are not a frame", () => {
    expect(() => decodeFrame("t", Buffer.from([7, 0, 0, 0, 0]))).toThrow(RangeError);
    expect(() => decodeFrame("t", Buffer.from([0, 0, 0, 0, 0]))).toThrow(/format 2/); // format 1, without origin
    expect(() => decodeFrame("t", Buffer.from([2, 4, 0, 0, 0]))).toThrow(RangeError); // unknown flag
    expect(() => decodeFrame("t", Buffer.from([2, 2, 0, 1, 120, 0, 0, 0]))).toThrow(/bad offset/);
    expect(() => decodeFrame("t", Buffer.from([2, 0, 9, 0, 0]))).toThrow(/truncated/);
    expect(() => decodeFrame("t", Buffer.from([2, 0, 0, 0, 1, 200, 1]))).toThrow(/truncated/);
    expect(() => decodeFrame("t", Buffer.alloc(1))).toThrow(RangeError);
    expect(() => encodeFrame({ topic: "t", data: "", origin: "x".repeat(256) })).toThrow(/node ids/);
  });
});
