import { describe, expect, it, vi } from "vitest";
import type { CloseInfo, Handler } from "../src/index.js";
import { send, websocket } from "../src/index.js";
import { closePayload, frame, openRaw } from "./_raw.js";
import { openClient } from "./_client.js";
import { start } from "./_server.js";

const closes: CloseInfo[] = [];
const echo: Handler = websocket(
  async function* (_scope, receiver) {
    for await (const message of receiver) yield send(message);
  },
  { onClose: (_s, info) => void closes.push(info) },
);

const text = (s: string) => Buffer.from(s);

/** Each violation, the frames that commit it, and the close code RFC 6455 calls for. */
const violations: [string, Buffer[], number][] = [
  ["an unmasked client frame", [frame({ opcode: 1, payload: text("hi"), mask: false })], 1002],
  ["a reserved data opcode", [frame({ opcode: 3, payload: text("x") })], 1002],
  ["a reserved control opcode", [frame({ opcode: 0xb })], 1002],
  ["RSV1 without an extension", [frame({ opcode: 1, rsv: 4, payload: text("x") })], 1002],
  ["RSV2 and RSV3", [frame({ opcode: 1, rsv: 3, payload: text("x") })], 1002],
  ["a control frame over 125 bytes", [frame({ opcode: 9, payload: Buffer.alloc(126) })], 1002],
  ["a fragmented control frame", [frame({ opcode: 9, fin: false, payload: text("p") })], 1002],
  ["a continuation with nothing to continue", [frame({ opcode: 0, payload: text("x") })], 1002],
  ["a new message inside a fragmented one", [frame({ opcode: 1, fin: false, payload: text("a") }), frame({ opcode: 1, payload: text("b") })], 1002],
  ["invalid UTF-8 in a text frame", [frame({ opcode: 1, payload: Buffer.from([0xc3, 0x28]) })], 1007],
  ["invalid UTF-8 split across fragments", [frame({ opcode: 1, fin: false, payload: Buffer.from([0xe2, 0x82]) }), frame({ opcode: 0, payload: Buffer.from([0x28]) })], 1007],
  ["close code 999", [frame({ opcode: 8, payload: closePayload(999) })], 1002],
  ["close code 1005", [frame({ opcode: 8, payload: closePayload(1005) })], 1002],
  ["close code 1006", [frame({ opcode: 8, payload: closePayload(1006) })], 1002],
  ["close code 5000", [frame({ opcode: 8, payload: closePayload(5000) })], 1002],
  ["a one-byte close payload", [frame({ opcode: 8, payload: Buffer.from([3]) })], 1002],
  ["invalid UTF-8 in a close reason", [frame({ opcode: 8, payload: Buffer.concat([closePayload(1000), Buffer.from([0xff])]) })], 1007],
  ["a frame declaring 2^63-1 bytes", [frame({ opcode: 2, declaredLength: 2n ** 63n - 1n })], 1009],
  ["a message of maxPayload + 1", [frame({ opcode: 2, payload: Buffer.alloc(64 * 1024 + 1) })], 1009],
  ["fragments adding up past maxPayload", [frame({ opcode: 2, fin: false, payload: Buffer.alloc(40 * 1024) }), frame({ opcode: 0, payload: Buffer.alloc(40 * 1024) })], 1009],
];

describe("protocol violations close that connection with the RFC 6455 code, and nothing else", () => {
  for (const [name, frames, code] of violations) {
    it(`${name} → ${code}`, async () => {
      const server = await start(echo, { maxPayload: 64 * 1024 });
      const bystander = await openClient(`${server.url}/`);
      const raw = await openRaw(Number(server.address.port));
      for (const f of frames) raw.write(f);
      expect(await raw.closeCode).toBe(code);
      await raw.ended;
      bystander.ws.send("still served");
      expect(await bystander.next()).toBe("still served");
      await vi.waitFor(() => expect(server.connections).toBe(1));
    });
  }

  it("reports the violation to onClose with cause error and the code sent", async () => {
    closes.length = 0;
    const server = await start(echo);
    const raw = await openRaw(Number(server.address.port));
    raw.write(frame({ opcode: 1, payload: Buffer.from([0xff]) }));
    await raw.ended;
    await vi.waitFor(() => expect(closes).toHaveLength(1));
    expect(closes[0]).toMatchObject({ code: 1007, cause: "error" });
    expect(server.stats().closes.error).toBe(1);
  });

  it("answers a valid close frame from a raw client with the same code", async () => {
    const server = await start(echo);
    const raw = await openRaw(Number(server.address.port));
    raw.write(frame({ opcode: 1, payload: text("ok") }));
    await vi.waitFor(() => expect(raw.messages.map(String)).toEqual(["ok"]));
    raw.write(frame({ opcode: 8, payload: closePayload(4321, "bye") }));
    expect(await raw.closeCode).toBe(4321);
  });
});
