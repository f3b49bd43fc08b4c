import { describe, expect, it, vi } from "vitest";
import { WebSocket } from "ws";
import { accept, send, serve } from "../src/index.js";
import { openClient } from "./_client.js";
import { start } from "./_server.js";

/** The HTTP status a handshake from `localAddress` gets, or "open". */
function attempt(url: string, options: { localAddress?: string; headers?: Record<string, string> } = {}): Promise<number | "open"> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, options);
    ws.on("open", () => {
      resolve("open");
      ws.close();
    });
    ws.on("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
    ws.on("error", (error) => reject(error));
  });
}

describe("connections per client address", () => {
  it("refuses one more with 429 before any upgrade, counting handshakes still undecided, per address", async () => {
    let decide!: () => void;
    const decided = new Promise<void>((resolve) => (decide = resolve));
    const server = await start(
      async function* () {
        await decided;
        yield accept();
        yield send("in");
        await new Promise(() => {});
      },
      { maxConnectionsPerAddress: 2 },
    );
    const held = [openClient(`${server.url}/`), openClient(`${server.url}/`)];
    await vi.waitFor(() => expect(server.stats().handshakes).toBe(2));
    expect(await attempt(`${server.url}/`)).toBe(429);
    expect(server.stats()).toMatchObject({ addresses: 1, rejected: { 429: 1 } });
    // Another address is served meanwhile.
    const other = attempt(`${server.url}/`, { localAddress: "127.0.0.2" });
    decide();
    expect(await other).toBe("open");
    const [first] = await Promise.all(held);
    first?.ws.close();
    await vi.waitFor(() => expect(server.connections).toBe(1));
    expect(await attempt(`${server.url}/`)).toBe("open");
  });

  it("counts the address the trusted proxy forwarded, not the proxy's", async () => {
    const server = await start(
      async function* () {
        yield accept();
        await new Promise(() => {});
      },
      { maxConnectionsPerAddress: 1, trustProxy: true },
    );
    const as = (client: string) => attempt(`${server.url}/`, { headers: { "X-Forwarded-For": client } });
    const first = new WebSocket(`${server.url}/`, { headers: { "X-Forwarded-For": "203.0.113.7" } });
    await new Promise((resolve) => first.once("open", resolve));
    expect(await as("203.0.113.7")).toBe(429);
    expect(await as("203.0.113.8")).toBe("open");
    first.close();
  });

  it("is on by default, at 256, and off with null; the option is checked", async () => {
    await expect(serve(async function* () {}, { port: 0, maxConnectionsPerAddress: 0 })).rejects.toThrow(
      /option "maxConnectionsPerAddress" must be a positive integer/,
    );
    const undecided = await start(async function* () {
      await new Promise(() => {});
    });
    const waiting = Array.from({ length: 256 }, () => new WebSocket(`${undecided.url}/`).on("error", () => {}));
    await vi.waitFor(() => expect(undecided.stats().handshakes).toBe(256), { timeout: 10_000 });
    expect(await attempt(`${undecided.url}/`)).toBe(429);
    for (const ws of waiting) ws.terminate();
    const server = await start(async function* () {}, { maxConnectionsPerAddress: null });
    expect(await attempt(`${server.url}/`)).toBe("open");
    expect(server.stats().addresses).toBe(0);
  });
});
