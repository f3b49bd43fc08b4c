import { describe, expect, it } from "vitest";
import { decodeSince, encodeSince, MAX_SINCE_LENGTH, MAX_SINCE_TOPICS } from "../src/since.js";

describe("the since parameter", () => {
  it("round-trips topics and epochs of any text, and stays URL-safe as it is", () => {
    const positions = new Map([
      ["room:1", { epoch: "Xk2bQ9aZ", offset: 42 }],
      ["chat:été/ü?&=.", { epoch: "any epoch", offset: 0 }],
      ["😀", { epoch: "e", offset: Number.MAX_SAFE_INTEGER }],
    ]);
    const { value, topics } = encodeSince(positions);
    expect(topics).toEqual([...positions.keys()]);
    expect(value).toMatch(/^[A-Za-z0-9_.-]+$/);
    expect(new URLSearchParams(`since=${value}`).get("since")).toBe(value);
    expect(decodeSince(value)).toEqual(positions);
    expect(encodeSince([["room:1", { epoch: "Xk2bQ9aZ", offset: 42 }]]).value).toBe("cm9vbTox.WGsyYlE5YVo.42");
  });

  it("keeps to its bounds: the first topics that fit, at most 64 and 4,096 characters", () => {
    const many = Array.from({ length: 100 }, (_, i) => [`t${i}`, { epoch: "e", offset: i }] as const);
    const { value, topics } = encodeSince(many);
    expect(topics).toHaveLength(MAX_SINCE_TOPICS);
    expect(decodeSince(value)?.size).toBe(MAX_SINCE_TOPICS);
    const long = [["x".repeat(4_000), { epoch: "e", offset: 1 }] as const, ["short", { epoch: "e", offset: 2 }] as const];
    const fitted = encodeSince(long);
    expect(fitted.topics).toEqual(["short"]);
    expect(fitted.value.length).toBeLessThanOrEqual(MAX_SINCE_LENGTH);
    expect(encodeSince([]).value).toBe("");
  });

  it.each([
    ["absent", undefined],
    ["empty", ""],
    ["not triples", "cm9vbTox.ZQ"],
    ["a bad offset", "cm9vbTox.ZQ.-1"],
    ["a leading zero", "cm9vbTox.ZQ.01"],
    ["an offset past 2^53", "cm9vbTox.ZQ.9007199254740992"],
    ["not base64url", "cm9v+Tox.ZQ.1"],
    ["padding", "cm9vbTo=.ZQ.1"],
    ["an empty topic", ".ZQ.1"],
    ["bad UTF-8", "_w.ZQ.1"],
    ["a topic twice", "cm9vbTox.ZQ.1.cm9vbTox.ZQ.2"],
    ["too long", `cm9vbTox.ZQ.${"1".repeat(MAX_SINCE_LENGTH)}`],
    ["too many topics", Array.from({ length: MAX_SINCE_TOPICS + 1 }, (_, i) => `${btoa(`t${i}`).replace(/=+$/, "")}.ZQ.1`).join(".")],
  ])("ignores a value that is %s, whole", (_what, value) => {
    expect(decodeSince(value)).toBeUndefined();
  });
});
