import type { Handler } from "@scallion/core";
import { close, reject } from "@scallion/core";
import { auth, router } from "@scallion/middleware";
import { describe, expect, it, vi } from "vitest";
import { MAX_UNEXPLAINED_FAILURES } from "../src/_handshakes.js";
import { client } from "./_clients.js";
import { startServer } from "./_server.js";
import { SilentWebSocket } from "./_silent-ws.js";

const fast = { min: 1, max: 5 };
const refusing = (status: number): Handler => async function* refuse() {
  yield reject(status);
};

describe("in Node, where ws shows the handshake's status", () => {
  it.each([401, 403, 404])("stops at the first handshake refused with %i, with a ClientError carrying it", async (status) => {
    const server = await startServer(refusing(status));
    const c = client(server.url, { reconnect: fast });
    await expect(c.opened()).rejects.toMatchObject({ name: "ClientError", code: "SCALLION_HANDSHAKE_REFUSED", status });
    const info = await c.closed;
    expect(info).toMatchObject({ code: 1006, error: { code: "SCALLION_HANDSHAKE_REFUSED", status } });
    expect(server.connections).toBe(1);
  });

  it("stops when auth() refuses with its default 401, or an unknown path gets the router's 404", async () => {
    const app = router({ "/private": auth({ verify: () => undefined })(async function* () {}) });
    const server = await startServer(app);
    for (const [path, status] of [["/private", 401], ["/elsewhere", 404]] as const) {
      const c = client(`${server.url}${path}`, { reconnect: fast });
      expect((await c.closed).error).toMatchObject({ status });
    }
  });

  it("retries a handshake refused with 503", async () => {
    const server = await startServer(refusing(503));
    const c = client(server.url, { reconnect: fast });
    await vi.waitFor(() => expect(server.connections).toBeGreaterThan(MAX_UNEXPLAINED_FAILURES));
    expect(c.state).not.toBe("closed");
  });

  it("keeps retrying a server that is down, however long", async () => {
    const server = await startServer(refusing(401));
    await server.stop();
    const c = client(server.url, { reconnect: fast });
    let attempts = 0;
    c.on("reconnecting", (change) => (attempts = change.attempt));
    await vi.waitFor(() => expect(attempts).toBeGreaterThan(MAX_UNEXPLAINED_FAILURES));
    expect(c.state).toBe("reconnecting");
  });
});

describe("with a WebSocket that hides why a handshake failed, as browsers do", () => {
  const options = { reconnect: fast, WebSocket: SilentWebSocket };

  it(`stops after ${MAX_UNEXPLAINED_FAILURES} handshakes in a row that never opened`, async () => {
    const server = await startServer(refusing(401));
    const c = client(server.url, options);
    const info = await c.closed;
    expect(info.error).toMatchObject({ code: "SCALLION_HANDSHAKE_FAILED" });
    expect(server.connections).toBe(MAX_UNEXPLAINED_FAILURES);
  });

  it("counts again from zero after a connection opens", async () => {
    let handshakes = 0;
    // The last of the first run opens and is closed at once with 1011 (which is retried).
    const app: Handler = async function* () {
      yield ++handshakes === MAX_UNEXPLAINED_FAILURES ? close(1011) : reject(401);
    };
    const server = await startServer(app);
    const c = client(server.url, options);
    expect((await c.closed).error).toMatchObject({ code: "SCALLION_HANDSHAKE_FAILED" });
    expect(server.connections).toBe(2 * MAX_UNEXPLAINED_FAILURES);
  });
});
