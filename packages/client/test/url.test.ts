import { describe, expect, it } from "vitest";
import { resolveUrl } from "../src/url.js";

const page = (protocol: string, host: string) => ({ location: { protocol, host } });

describe("resolveUrl", () => {
  it("keeps ws: and wss: URLs", () => {
    expect(resolveUrl("ws://127.0.0.1:8080/chat?room=a")).toBe("ws://127.0.0.1:8080/chat?room=a");
    expect(resolveUrl(new URL("wss://example.com/x"))).toBe("wss://example.com/x");
  });

  it("turns http: and https: into ws: and wss:", () => {
    expect(resolveUrl("http://localhost:3000/ws")).toBe("ws://localhost:3000/ws");
    expect(resolveUrl("https://example.com/ws")).toBe("wss://example.com/ws");
  });

  it("resolves a path against the page: ws on http, wss on https, same host and port", () => {
    expect(resolveUrl("/chat/lobby", page("http:", "localhost:5173"))).toBe("ws://localhost:5173/chat/lobby");
    expect(resolveUrl("/chat/lobby?name=ann", page("https:", "chat.example.com"))).toBe(
      "wss://chat.example.com/chat/lobby?name=ann",
    );
  });

  it("puts a reverse-proxy prefix from base before the path", () => {
    expect(resolveUrl("/chat", { base: "/ws", ...page("https:", "example.com") })).toBe("wss://example.com/ws/chat");
    expect(resolveUrl("chat", { base: "/ws/", ...page("http:", "example.com:81") })).toBe("ws://example.com:81/ws/chat");
  });

  it("resolves a path against an absolute base, page or not", () => {
    expect(resolveUrl("/chat", { base: "https://api.example.com/ws" })).toBe("wss://api.example.com/ws/chat");
    expect(resolveUrl("/chat", { base: "ws://127.0.0.1:9000" })).toBe("ws://127.0.0.1:9000/chat");
  });

  it("ignores base for an absolute target", () => {
    expect(resolveUrl("ws://a.test/x", { base: "/ws" })).toBe("ws://a.test/x");
  });

  it("throws SCALLION_INVALID_OPTION for a path with nothing to resolve it against", () => {
    expect(() => resolveUrl("/chat")).toThrow(expect.objectContaining({ code: "SCALLION_INVALID_OPTION" }));
  });

  it("throws SCALLION_INVALID_OPTION for a scheme that is not WebSocket or HTTP", () => {
    expect(() => resolveUrl("ftp://example.com/")).toThrow(expect.objectContaining({ code: "SCALLION_INVALID_OPTION" }));
  });
});
