import { describe, expect, it } from "vitest";
import { decodeFrame, encodeFrame } from "../src/index.js";

describe("frames on the wire", () => {
  it("round-trip text, binary with every byte value, and excluded ids", () => {
    const bytes = new Uint8Array(256).map((_, i) => i);
    for (const message of [
      { topic: "t", data: "héllo 🧅" },
      { topic: "t", data: "" },
      { topic: "t", data: bytes, exclude: ["4b6f-id", "another"] },
      { topic: "t", data: new Uint8Array(0) },
    ]) {
      const back = decodeFrame("t", encodeFrame(message));
      expect(typeof back.data).toBe(typeof message.data);
      expect(back.data instanceof Uint8Array ? [...back.data] : back.data).toEqual(
        message.data instanceof Uint8Array ? [...message.data] : message.data,
      );
      expect(back.exclude).toEqual(message.exclude);
    }
  });

  it("refuses bytes that are not a frame", () => {
    expect(() => decodeFrame("t", Buffer.from([7, 0, 0]))).toThrow(RangeError);
    expect(() => decodeFrame("t", Buffer.from([0, 0, 1, 200, 1]))).toThrow(RangeError);
    expect(() => decodeFrame("t", Buffer.alloc(1))).toThrow(RangeError);
  });
});
