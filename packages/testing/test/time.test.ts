import type { CloseInfo } from "@scallion/core";
import { accept, merge, send, websocket } from "@scallion/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { vi } from "vitest";
import { connect, TestTimeoutError } from "../src/index.js";

// The memory transport delivers on microtasks, which vitest's fake timers leave alone: with fake
// timers, the runtime's heartbeat, handshake and close timers and the handler's own timers all
// follow the fake clock, and a test advances it instead of waiting.
beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

const idle = websocket(async function* (_scope, receiver) {
  for await (const _ of receiver);
});

describe("time under vitest fake timers (memory transport)", () => {
  it("the heartbeat drops a client that stops answering pings, without waiting 40 s", async () => {
    const closes: CloseInfo[] = [];
    const client = await connect(
      websocket(async function* (_scope, receiver) {
        for await (const _ of receiver);
      }, { onClose: (_s, info) => void closes.push(info) }),
      "/",
      { autoPong: false },
    );
    await vi.advanceTimersByTimeAsync(19_000);
    expect(closes).toEqual([]);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(await client.closed).toEqual({ code: 1006, reason: "" });
    await client.close();
    expect(closes).toEqual([{ code: 1006, reason: "", cause: "heartbeat" }]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("the heartbeat keeps a client that answers pings for as long as the clock runs", async () => {
    const client = await connect(idle, "/");
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    client.send("still open");
    await client.close(1000);
    expect(await client.closed).toEqual({ code: 1000, reason: "" });
    expect(vi.getTimerCount()).toBe(0);
  });

  it("a handler that decides nothing is answered 503 once handshakeTimeout passes", async () => {
    const pending = connect(
      async function* () {
        await new Promise(() => {});
      },
      "/",
      { timeout: 60_000 },
    );
    const refused = expect(pending).rejects.toMatchObject({ status: 503 });
    await vi.advanceTimersByTimeAsync(10_000);
    await refused;
  });

  it("receive() times out on the fake clock with a clear error", async () => {
    await using client = await connect(idle, "/");
    const waiting = client.receive();
    const timedOut = expect(waiting).rejects.toThrow(
      new TestTimeoutError("receive", 2000, "no message arrived (0 received before)"),
    );
    await vi.advanceTimersByTimeAsync(2000);
    await timedOut;
  });

  it("a handler's own timers, merged with the receiver, run on the fake clock", async () => {
    async function* every(ms: number, signal: AbortSignal) {
      for (let i = 1; !signal.aborted; i++) {
        await new Promise((resolve) => setTimeout(resolve, ms));
        yield i;
      }
    }
    await using client = await connect(async function* (scope, receiver) {
      yield accept();
      for await (const { source, value } of merge({ message: receiver, tick: every(60_000, scope.signal) })) {
        if (source === "tick") yield send(`minute ${value}`);
      }
    });
    await vi.advanceTimersByTimeAsync(3 * 60_000);
    expect(await client.receive()).toBe("minute 1");
    expect(await client.receive()).toBe("minute 2");
    expect(await client.receive()).toBe("minute 3");
  });
});
