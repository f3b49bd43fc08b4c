import type { CloseInfo, Handler } from "@scallion/core";
import { accept, send, websocket } from "@scallion/core";
import { describe, expect, it, vi } from "vitest";
import type { TestClient, TransportName } from "../src/index.js";
import { ConnectionClosedError, connect, testServer, TestTimeoutError } from "../src/index.js";

const echo: Handler = async function* (_scope, receiver) {
  for await (const message of receiver) yield send(message);
};

/** Sockets and servers the process holds, to show a fixture left none behind. */
function openSockets(): number {
  return process.getActiveResourcesInfo().filter((r) => r.startsWith("TCP")).length;
}

describe.each<TransportName>(["memory", "ws"])("the client API (%s)", (transport) => {
  it("receive() rejects with a TestTimeoutError naming the wait", async () => {
    await using client = await connect(echo, "/", { transport });
    await expect(client.receive({ timeout: 20 })).rejects.toThrow(/receive\(\) timed out after 20 ms/);
    await expect(client.receive({ timeout: 20 })).rejects.toBeInstanceOf(TestTimeoutError);
  });

  it("receive() returns what arrived before the close, then rejects with the close code", async () => {
    const client = await connect(
      async function* () {
        yield send("last words");
      },
      "/",
      { transport },
    );
    await client.closed;
    expect(await client.receive()).toBe("last words");
    const error = await client.receive().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionClosedError);
    expect(error).toMatchObject({ code: "SCALLION_CONNECTION_CLOSED", closeCode: 1000 });
  });

  it("a receive() waiting when the connection closes rejects at once", async () => {
    const client = await connect(echo, "/", { transport });
    const waiting = client.receive({ timeout: 10_000 });
    void client.close(4001, "bye");
    await expect(waiting).rejects.toMatchObject({ closeCode: 4001, reason: "bye" });
  });

  it("sendJson() and receiveJson() round-trip JSON; receiveJson() refuses binary", async () => {
    await using client = await connect(echo, "/", { transport });
    client.sendJson({ a: [1, "two"] });
    expect(await client.receiveJson()).toEqual({ a: [1, "two"] });
    client.send(new Uint8Array([1]));
    await expect(client.receiveJson()).rejects.toThrow(/binary/);
  });

  it("counts messages not yet received in pending", async () => {
    await using client = await connect(echo, "/", { transport });
    client.send("1");
    client.send("2");
    await vi.waitFor(() => expect(client.pending).toBe(2));
    await client.receive();
    expect(client.pending).toBe(1);
  });

  it("close() refuses a code no client may send, as ws does", async () => {
    await using client = await connect(echo, "/", { transport });
    expect(() => client.close(1006)).toThrow(RangeError);
    expect(() => client.close(999)).toThrow(RangeError);
  });

  it("connect() refuses invalid subprotocols and relative paths", async () => {
    await expect(connect(echo, "/", { transport, subprotocols: ["a b"] })).rejects.toBeInstanceOf(SyntaxError);
    await expect(connect(echo, "/", { transport, subprotocols: ["a", "a"] })).rejects.toBeInstanceOf(SyntaxError);
    await expect(connect(echo, "nope", { transport })).rejects.toThrow(/must start with "\/"/);
  });

  it("connect() gives up after its timeout, and the server sees the client leave at once", async () => {
    const closes: CloseInfo[] = [];
    const app = websocket(async function* () {
      await new Promise(() => {});
    }, { onClose: (_s, info) => void closes.push(info) });
    await expect(connect(app, "/", { transport, timeout: 30, handshakeTimeout: 300 })).rejects.toMatchObject({
      code: "SCALLION_TEST_TIMEOUT",
      operation: "connect",
    });
    expect(closes).toEqual([{ code: 1006, reason: "", cause: "client" }]);
  });

  it("await using closes the client and its server, leaving no connection or socket behind", async () => {
    const before = openSockets();
    let client: TestClient;
    {
      await using c = await connect(echo, "/", { transport });
      client = c;
      c.send("hi");
      expect(await c.receive()).toBe("hi");
    }
    expect(await client.closed).toEqual({ code: 1005, reason: "" });
    await vi.waitFor(() => expect(openSockets()).toBeLessThanOrEqual(before));
  });

  it("testServer's close() leaves no connections, closed clients and no sockets", async () => {
    const before = openSockets();
    const server = testServer(echo, { transport });
    const clients = await Promise.all([server.connect("/"), server.connect("/"), server.connect("/")]);
    expect(server.connections).toBe(3);
    await server.close();
    expect(server.connections).toBe(0);
    expect(server.stats().handshakes).toBe(0);
    for (const client of clients) expect(await client.closed).toEqual({ code: 1001, reason: "" });
    await vi.waitFor(() => expect(openSockets()).toBeLessThanOrEqual(before));
  });

  it("testServer works as an await using fixture", async () => {
    let server: ReturnType<typeof testServer>;
    let client: TestClient;
    {
      await using s = testServer(echo, { transport });
      server = s;
      client = await s.connect("/");
    }
    expect(server.connections).toBe(0);
    expect(await client.closed).toEqual({ code: 1001, reason: "" });
  });

  it("idle() waits for every connection's hooks", async () => {
    const closes: CloseInfo[] = [];
    await using server = testServer(
      websocket(echo, {
        onClose: async (_s, info) => {
          await new Promise((resolve) => setTimeout(resolve, 10));
          closes.push(info);
        },
      }),
      { transport },
    );
    const a = await server.connect("/");
    const b = await server.connect("/");
    await a.close(4000);
    expect(closes).toHaveLength(1);
    void b.close(4001);
    await server.idle();
    expect(closes.map((c) => c.code)).toEqual([4000, 4001]);
  });

  it("accept with a subprotocol is visible as client.subprotocol, and '' without one", async () => {
    await using withOne = await connect(
      async function* (scope) {
        yield accept({ subprotocol: scope.subprotocols[0] });
        await new Promise(() => {});
      },
      "/",
      { transport, subprotocols: ["v2"] },
    );
    expect(withOne.subprotocol).toBe("v2");
    await using without = await connect(echo, "/", { transport });
    expect(without.subprotocol).toBe("");
  });
});

describe("timers after close (memory, fake timers)", () => {
  it("leaves no timer behind: heartbeat, handshake, close and receive timers are all cleared", async () => {
    vi.useFakeTimers();
    try {
      const server = testServer(echo);
      const a = await server.connect("/");
      const b = await server.connect("/");
      a.send("x");
      expect(await a.receive()).toBe("x");
      const waiting = b.receive({ timeout: 60_000 }).catch(() => "closed");
      expect(vi.getTimerCount()).toBeGreaterThan(0);
      await server.close();
      expect(await waiting).toBe("closed");
      expect(server.connections).toBe(0);
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });
});
