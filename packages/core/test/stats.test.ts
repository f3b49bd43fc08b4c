import { describe, expect, it, vi } from "vitest";
import { reject, send } from "../src/index.js";
import type { Handler } from "../src/index.js";
import { openClient } from "./_client.js";
import { start } from "./_server.js";

describe("server.stats()", () => {
  it("counts connections, messages, wire bytes, closes by cause and refusals by status", async () => {
    const app: Handler = async function* (scope, receiver) {
      if (scope.path === "/no") {
        yield reject(401);
        return;
      }
      for await (const message of receiver) yield send(message);
    };
    const server = await start(app);
    const client = await openClient(`${server.url}/`);
    for (let i = 0; i < 10; i++) client.ws.send("x".repeat(100));
    for (let i = 0; i < 10; i++) await client.next();
    const open = server.stats();
    expect(open).toMatchObject({ connections: 1, handshakes: 0, messagesIn: 10, messagesOut: 10 });
    // 10 masked client frames of 100 bytes (6-byte headers) at least, and 10 of ours (2-byte headers).
    expect(open.bytesIn).toBeGreaterThanOrEqual(10 * 106);
    expect(open.bytesOut).toBeGreaterThanOrEqual(10 * 102);
    await expect(openClient(`${server.url}/no`)).rejects.toMatchObject({ status: 401 });
    client.ws.close();
    await vi.waitFor(() => expect(server.stats().connections).toBe(0));
    const after = server.stats();
    expect(after.closes).toMatchObject({ client: 1, server: 0, error: 0 });
    expect(after.rejected).toEqual({ 401: 1 });
    expect(after.bytesIn).toBeGreaterThanOrEqual(open.bytesIn);
  });
});
