import { describe, expect, it } from "vitest";
import * as wsModule from "ws";
import { frame } from "../src/frame.js";
import { send } from "../src/index.js";
import { openClient } from "./_client.js";
import { start } from "./_server.js";

/** `ws`'s frame parser: exported by the package, left out of its type definitions. */
interface FrameParser {
  on(event: "message", listener: (data: Buffer, binary: boolean) => void): void;
  on(event: "error", listener: (error: Error) => void): void;
  write(chunk: Buffer): void;
}
const { Receiver } = wsModule as unknown as {
  Receiver: new (options: { isServer: boolean; maxPayload: number }) => FrameParser;
};

/** Parses server frames with `ws`'s own client-side parser: what any client would make of them. */
function parse(bytes: Buffer): { data: Buffer; binary: boolean }[] {
  const parsed: { data: Buffer; binary: boolean }[] = [];
  const receiver = new Receiver({ isServer: false, maxPayload: 0 });
  receiver.on("message", (data, binary) => parsed.push({ data, binary }));
  receiver.on("error", (error) => {
    throw error;
  });
  receiver.write(bytes);
  return parsed;
}

/** Payload lengths on both sides of each of the three header sizes. */
const LENGTHS = [0, 1, 125, 126, 127, 65_535, 65_536, 100_000];

/** A string of exactly `bytes` UTF-8 bytes, with multi-byte characters in it. */
function textOf(bytes: number): string {
  const wide = "é🧅".repeat(Math.floor(bytes / 12)); // 6 bytes per pair
  return wide + "a".repeat(bytes - Buffer.byteLength(wide));
}

describe("frame()", () => {
  it.each(LENGTHS)("frames a %i-byte text and binary message as any client parses it", (length) => {
    const text = textOf(length);
    const bytes = Buffer.from(Array.from({ length }, (_, i) => i % 251));
    const [first, second, ...rest] = parse(Buffer.concat([frame(text), frame(new Uint8Array(bytes))]));
    expect(rest).toEqual([]);
    expect(first?.binary).toBe(false);
    expect(first?.data.toString()).toBe(text);
    expect(second?.binary).toBe(true);
    expect(second?.data.equals(bytes)).toBe(true);
  });

  it("uses the shortest header: 2, 4 or 10 bytes, final and unmasked", () => {
    for (const [length, header] of [[125, 2], [126, 4], [65_535, 4], [65_536, 10]] as const) {
      const framed = frame(Buffer.alloc(length));
      expect(framed.length).toBe(header + length);
      expect(framed[0]).toBe(0x82);
      expect((framed[1] as number) & 0x80).toBe(0);
    }
  });
});

describe("messages sent over a real socket", () => {
  it.each(LENGTHS)("arrive whole at %i bytes, text and binary", async (length) => {
    const text = textOf(length);
    const bytes = Buffer.from(Array.from({ length }, (_, i) => (i * 7) % 256));
    const server = await start(async function* (_scope, receiver) {
      for await (const message of receiver) yield send(message === "go" ? text : bytes);
    });
    const client = await openClient(`${server.url}/`);
    client.ws.send("go");
    client.ws.send(Buffer.from("go"));
    expect(await client.next()).toBe(text);
    const received = await client.next();
    expect(Buffer.isBuffer(received) && received.equals(bytes)).toBe(true);
  });
});
