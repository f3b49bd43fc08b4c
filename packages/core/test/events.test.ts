import { describe, expect, it } from "vitest";
import { accept, close, reject, send, sendJson } from "../src/index.js";

describe("event helpers", () => {
  it("build plain ASGI-style events", () => {
    expect(accept()).toEqual({ type: "websocket.accept" });
    expect(accept({ subprotocol: "chat" })).toEqual({ type: "websocket.accept", subprotocol: "chat" });
    expect(reject()).toEqual({ type: "websocket.reject", status: 403, body: "Forbidden" });
    expect(reject(404, "no such room")).toEqual({ type: "websocket.reject", status: 404, body: "no such room" });
    expect(send("hi")).toEqual({ type: "websocket.send", text: "hi" });
    expect(send(new Uint8Array([1]))).toEqual({ type: "websocket.send", bytes: new Uint8Array([1]) });
    expect(send(new Uint8Array([7]).buffer)).toEqual({ type: "websocket.send", bytes: new Uint8Array([7]) });
    expect(sendJson({ a: [1, "x"] })).toEqual({ type: "websocket.send", text: '{"a":[1,"x"]}' });
    expect(close()).toEqual({ type: "websocket.close", code: 1000, reason: "" });
    expect(close(4001, "why")).toEqual({ type: "websocket.close", code: 4001, reason: "why" });
  });

  it("close() refuses codes that may not be sent", () => {
    for (const code of [999, 1004, 1005, 1006, 1015, 2999, 5000, 1000.5]) {
      expect(() => close(code)).toThrow(RangeError);
    }
    expect(() => close(999)).toThrow(/close code 999/);
    for (const code of [1000, 1001, 1003, 1007, 1011, 1014, 3000, 4999]) expect(() => close(code)).not.toThrow();
  });

  it("close() refuses a reason over 123 UTF-8 bytes", () => {
    expect(() => close(1000, "x".repeat(123))).not.toThrow();
    expect(() => close(1000, "x".repeat(124))).toThrow(/124 UTF-8 bytes; the limit is 123/);
    // 42 three-byte characters are 126 bytes though only 42 code units.
    expect(() => close(1000, "€".repeat(42))).toThrow(RangeError);
  });

  it("reject() refuses statuses that are not HTTP errors or redirects", () => {
    expect(() => reject(101)).toThrow(RangeError);
    expect(() => reject(200)).toThrow(RangeError);
    expect(() => reject(600)).toThrow(RangeError);
  });

  it("helpers refuse values they cannot send", () => {
    expect(() => send(42 as never)).toThrow(/send\(\): data must be a string or bytes, got number/);
    expect(() => sendJson(undefined)).toThrow(TypeError);
    expect(() => accept({ subprotocol: "has space" })).toThrow(TypeError);
    expect(() => accept({ headers: { "bad name": "x" } })).toThrow(/invalid header name/);
    expect(() => reject(401, "x", { "X-Ok": "line\r\nbreak" })).toThrow(/invalid value/);
  });
});
