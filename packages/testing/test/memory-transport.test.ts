import type { SocketEvents } from "@scallion/core/transport";
import { accept, send, websocket } from "@scallion/core";
import { describe, expect, it, vi } from "vitest";
import type { MemoryPeerEvents } from "../src/index.js";
import { createMemoryUpgrade, testServer } from "../src/index.js";

/** A memory connection driven by hand: the test plays the runtime's part. */
function handAccepted(options: { maxPayload?: number; autoPong?: boolean } = {}) {
  const peerEvents = {
    open: vi.fn(),
    rejected: vi.fn(),
    message: vi.fn(),
    closed: vi.fn(),
  } satisfies MemoryPeerEvents;
  const server = {
    message: vi.fn(),
    pong: vi.fn(),
    protocolError: vi.fn(),
    closed: vi.fn(),
  } satisfies SocketEvents;
  const { pending, peer } = createMemoryUpgrade({ url: "/", headers: { "X-A": "1" } }, peerEvents, options);
  const socket = pending.accept({}, server);
  if (socket === undefined) throw new Error("not accepted");
  return { pending, peer, socket, peerEvents, server };
}

describe("the memory transport", () => {
  it("hands the runtime a request with lower-cased headers and a loopback address", () => {
    const { pending } = createMemoryUpgrade({ url: "/x?y=1", headers: { "X-Token": "t" } }, {
      open() {},
      rejected() {},
      message() {},
      closed() {},
    });
    expect(pending.request).toMatchObject({ url: "/x?y=1", address: "127.0.0.1", headers: { "x-token": "t" } });
  });

  it("delivers later and in order, never inside send()", async () => {
    const { socket, peerEvents } = handAccepted();
    socket.send("one");
    socket.send(new Uint8Array([2]));
    expect(peerEvents.message).not.toHaveBeenCalled();
    await vi.waitFor(() => expect(peerEvents.message).toHaveBeenCalledTimes(2));
    expect(peerEvents.open).toHaveBeenCalledBefore(peerEvents.message);
    expect(peerEvents.message.mock.calls.map(([data]) => data)).toEqual(["one", Buffer.from([2])]);
  });

  it("copies bytes at send(), both ways", async () => {
    const { socket, peer, peerEvents, server } = handAccepted();
    const down = new Uint8Array([1, 2, 3]);
    const up = new Uint8Array([4, 5, 6]);
    socket.send(down);
    peer.send(up);
    down[0] = 99;
    up[0] = 99;
    await vi.waitFor(() => expect(server.message).toHaveBeenCalledTimes(1));
    await vi.waitFor(() => expect(peerEvents.message).toHaveBeenCalledTimes(1));
    expect([...(peerEvents.message.mock.calls[0]?.[0] as Buffer)]).toEqual([1, 2, 3]);
    expect([...(server.message.mock.calls[0]?.[0] as Buffer)]).toEqual([4, 5, 6]);
  });

  it("turns a lone surrogate into U+FFFD, as UTF-8 on the wire does", async () => {
    const { socket, peerEvents } = handAccepted();
    socket.send("a\ud800b");
    await vi.waitFor(() => expect(peerEvents.message).toHaveBeenCalledWith("a\ufffdb"));
  });

  it("counts undelivered bytes in bufferedAmount and calls each send's callback once it is delivered", async () => {
    const { socket, peer } = handAccepted();
    peer.pause();
    const done = vi.fn();
    socket.send("12345", done);
    socket.send(new Uint8Array(10), done);
    expect(socket.bufferedAmount).toBe(15);
    await Promise.resolve();
    expect(done).not.toHaveBeenCalled();
    peer.resume();
    await vi.waitFor(() => expect(done).toHaveBeenCalledTimes(2));
    expect(socket.bufferedAmount).toBe(0);
  });

  it("stops delivering the client's messages while the server is paused", async () => {
    const { socket, peer, server } = handAccepted();
    socket.pause();
    peer.send("held");
    await new Promise((resolve) => setImmediate(resolve));
    expect(server.message).not.toHaveBeenCalled();
    socket.resume();
    await vi.waitFor(() => expect(server.message).toHaveBeenCalledWith("held"));
  });

  it("answers pings with pongs unless autoPong is off", async () => {
    const on = handAccepted();
    on.socket.ping();
    await vi.waitFor(() => expect(on.server.pong).toHaveBeenCalledTimes(1));
    const off = handAccepted({ autoPong: false });
    off.socket.ping();
    await new Promise((resolve) => setImmediate(resolve));
    expect(off.server.pong).not.toHaveBeenCalled();
  });

  it("reports the close code each side received: the echo to the server, the server's to the client", async () => {
    const { socket, peerEvents, server } = handAccepted();
    socket.close(4000, "done");
    await vi.waitFor(() => expect(server.closed).toHaveBeenCalledWith(4000, "done"));
    expect(peerEvents.closed).toHaveBeenCalledWith(4000, "done");
  });

  it("reports 1005 for a close frame without a code, 1006 for a drop", async () => {
    const a = handAccepted();
    a.peer.close();
    await vi.waitFor(() => expect(a.server.closed).toHaveBeenCalledWith(1005, ""));
    expect(a.peerEvents.closed).toHaveBeenCalledWith(1005, "");
    const b = handAccepted();
    b.socket.terminate();
    expect(b.server.closed).not.toHaveBeenCalled();
    await vi.waitFor(() => expect(b.server.closed).toHaveBeenCalledWith(1006, ""));
    expect(b.peerEvents.closed).toHaveBeenCalledWith(1006, "");
  });

  it("fails a send after close through its callback, not by throwing", async () => {
    const { socket } = handAccepted();
    socket.close(1000, "");
    const done = vi.fn();
    socket.send("late", done);
    await vi.waitFor(() => expect(done).toHaveBeenCalledWith(expect.any(Error)));
  });

  it("tells the runtime when the client gives up before the handshake is decided", async () => {
    const aborted = vi.fn();
    const { pending, peer } = createMemoryUpgrade({ url: "/" }, { open() {}, rejected() {}, message() {}, closed() {} });
    pending.onAbort(aborted);
    peer.close();
    await vi.waitFor(() => expect(aborted).toHaveBeenCalledTimes(1));
    expect(pending.accept({}, handAccepted().server)).toBeUndefined();
  });
});

describe("the memory transport under the runtime", () => {
  it("applies backpressure: a handler sending to a client that does not read is paused at the high-water mark", async () => {
    let sent = 0;
    await using server = testServer(
      async function* () {
        yield accept();
        for (;;) {
          yield send("x".repeat(1024));
          sent++;
        }
      },
      { highWaterMark: 8 * 1024 },
    );
    const client = await server.connect("/");
    client.pause();
    await vi.waitFor(() => expect(server.stats().bufferedBytes).toBeGreaterThan(8 * 1024));
    const stalled = sent;
    await new Promise((resolve) => setImmediate(resolve));
    expect(sent).toBe(stalled);
    expect(sent).toBeLessThanOrEqual(9);
    client.resume();
    await vi.waitFor(() => expect(sent).toBeGreaterThan(stalled + 100));
    await client.terminate();
  });

  it("bounds the receiver's queue at exactly maxQueue", async () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    await using server = testServer(
      websocket(async function* (_scope, receiver) {
        yield accept();
        await released;
        for await (const message of receiver) if (message === "last") yield send("got all");
      }),
      { maxQueue: 3 },
    );
    const client = await server.connect("/");
    for (let i = 0; i < 50; i++) client.send(String(i));
    client.send("last");
    await vi.waitFor(() => expect(server.stats().queuedMessages).toBe(3));
    await new Promise((resolve) => setImmediate(resolve));
    expect(server.stats().queuedMessages).toBe(3);
    release();
    expect(await client.receive()).toBe("got all");
  });
});
