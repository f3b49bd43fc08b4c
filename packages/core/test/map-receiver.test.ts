import { describe, expect, it, vi } from "vitest";
import { CloseError, mapReceiver, merge, send, SKIP } from "../src/index.js";
import { openClient } from "./_client.js";
import { start } from "./_server.js";

async function* from<T>(...values: T[]) {
  yield* values;
}

async function drain<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const value of iterable) out.push(value);
  return out;
}

describe("mapReceiver()", () => {
  it("maps, skips, and fuses a chain of mappers into one step", async () => {
    const calls: string[] = [];
    const once = mapReceiver(from(1, 2, 3, 4), (n) => {
      calls.push(`a${n}`);
      return n % 2 === 0 ? SKIP : n * 10;
    });
    const twice = mapReceiver(once, (n) => {
      calls.push(`b${n}`);
      return `#${n}`;
    });
    expect(await drain(twice)).toEqual(["#10", "#30"]);
    expect(calls).toEqual(["a1", "b10", "a2", "a3", "b30", "a4"]);
  });

  it("ends the handler with the code of a CloseError thrown by the mapper", async () => {
    const server = await start(async function* (_scope, receiver) {
      const numbers = mapReceiver(receiver, (m) => {
        const n = Number(m);
        if (Number.isNaN(n)) throw new CloseError(1007, "not a number");
        return n;
      });
      for await (const n of numbers) yield send(String(n * 2));
    });
    const client = await openClient(`${server.url}/`);
    client.ws.send("21");
    expect(await client.next()).toBe("42");
    client.ws.send("x");
    expect(await client.closed).toEqual({ code: 1007, reason: "not a number" });
  });

  it("over a connection's receiver, maps messages that wait in its queue and messages that arrive alike", async () => {
    const server = await start(async function* (_scope, receiver) {
      const mapped = mapReceiver(
        mapReceiver(receiver, (m) => (m === "skip" ? SKIP : m === "later" ? Promise.resolve("LATER") : m)),
        (m) => {
          if (m === "bad") throw new CloseError(4001, "bad");
          return typeof m === "string" ? m.toUpperCase() : m;
        },
      );
      for await (const m of mapped) yield send(m instanceof Promise ? `promise of ${String(await m)}` : String(m));
    });
    const client = await openClient(`${server.url}/`);
    // One burst: the first message meets a waiting read, the rest wait in the queue.
    for (const m of ["a", "skip", "b", "later", "skip", "c"]) client.ws.send(m);
    expect([await client.next(), await client.next(), await client.next(), await client.next()]).toEqual([
      "A",
      "B",
      "promise of LATER",
      "C",
    ]);
    client.ws.send("skip"); // meets a waiting read, which goes on waiting
    client.ws.send("d");
    expect(await client.next()).toBe("D");
    client.ws.send("bad");
    expect(await client.closed).toEqual({ code: 4001, reason: "bad" });
  });

  it("closes with the mapper's CloseError for a message that waited in the queue", async () => {
    const server = await start(async function* (_scope, receiver) {
      const checked = mapReceiver(receiver, (m) => {
        if (m === "bad") throw new CloseError(4002, "queued bad");
        return m;
      });
      for await (const m of checked) yield send(m);
    });
    const client = await openClient(`${server.url}/`);
    // "ok" meets the waiting read; "bad" waits in the queue until the handler reads again.
    for (const m of ["ok", "bad", "never"]) client.ws.send(m);
    expect(await client.next()).toBe("ok");
    expect(await client.closed).toEqual({ code: 4002, reason: "queued bad" });
  });

  it("keeps ending merge() when the connection ends", async () => {
    const cancelled = vi.fn();
    async function* forever() {
      try {
        for (;;) {
          yield 0;
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
      } finally {
        cancelled();
      }
    }
    const server = await start(async function* (_scope, receiver) {
      const upper = mapReceiver(receiver, (m) => String(m).toUpperCase());
      for await (const { source, value } of merge({ message: upper, tick: forever() })) {
        if (source === "message") yield send(value);
      }
    });
    const client = await openClient(`${server.url}/`);
    client.ws.send("shout");
    expect(await client.next()).toBe("SHOUT");
    client.ws.close();
    await vi.waitFor(() => expect(cancelled).toHaveBeenCalled());
  });
});
