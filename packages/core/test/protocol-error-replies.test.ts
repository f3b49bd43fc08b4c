import { describe, expect, it } from "vitest";
import type { Handler } from "../src/index.js";
import { send } from "../src/index.js";
import { frame, openRaw } from "./_raw.js";
import { start } from "./_server.js";

const echo: Handler = async function* (_scope, receiver) {
  for await (const message of receiver) yield send(message);
};

/** An echo that answers after a while, so that the bad frame is parsed long before the reply. */
const slowEcho: Handler = async function* (_scope, receiver) {
  for await (const message of receiver) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    yield send(message);
  }
};

const text = (s: string) => Buffer.from(s);

// The Autobahn cases (3.2, 3.3, 4.1.3, 4.1.4, 4.2.3, 4.2.4, 5.15): good messages, then a frame that
// breaks the protocol, all in one write. The replies come first, then the close with 1002.
const cases: [string, Buffer[]][] = [
  ["RSV bits set (3.2, 3.3)", [frame({ opcode: 1, payload: text("one") }), frame({ opcode: 1, rsv: 2, payload: text("bad") })]],
  ["a reserved data opcode (4.1.3, 4.1.4)", [frame({ opcode: 1, payload: text("one") }), frame({ opcode: 3, payload: text("x") })]],
  ["a reserved control opcode (4.2.3, 4.2.4)", [frame({ opcode: 1, payload: text("one") }), frame({ opcode: 0xb })]],
  [
    "a continuation with nothing to continue after a fragmented message (5.15)",
    [
      frame({ opcode: 1, fin: false, payload: text("o") }),
      frame({ opcode: 0, payload: text("ne") }),
      frame({ opcode: 0, fin: false, payload: text("x") }),
      frame({ opcode: 1, payload: text("y") }),
    ],
  ],
];

describe("a protocol error after good messages", () => {
  for (const [handlerName, handler] of [["an echo", echo], ["a slow echo", slowEcho]] as const) {
    for (const [name, frames] of cases) {
      it(`${handlerName}: ${name}: the replies to what came before go out, then 1002`, async () => {
        const server = await start(handler);
        const client = await openRaw(Number(server.address.port));
        client.write(Buffer.concat(frames));
        expect(await client.closeCode).toBe(1002);
        expect(client.messages.map(String)).toEqual(["one"]);
        await client.ended;
        expect(server.stats().clientFaults[1002]).toBe(1);
      });
    }
  }

  it("stops reading at the bad frame: nothing after it reaches the handler", async () => {
    const seen: string[] = [];
    const server = await start(async function* (_scope, receiver) {
      for await (const message of receiver) {
        seen.push(String(message));
        yield send(message);
      }
    });
    const client = await openRaw(Number(server.address.port));
    client.write(Buffer.concat([frame({ opcode: 1, payload: text("a") }), frame({ opcode: 3 }), frame({ opcode: 1, payload: text("after") })]));
    expect(await client.closeCode).toBe(1002);
    await client.ended;
    expect(seen).toEqual(["a"]);
  });
});
