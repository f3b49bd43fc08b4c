import { afterEach, describe, expect, it, vi } from "vitest";
import { ADDRESS_RATE_LIMIT, MAX_PAYLOAD, RATE_LIMIT } from "../src/limits.js";
import type { RunningChat } from "./_chat.js";
import { join, startChat } from "./_chat.js";

let chat: RunningChat;
afterEach(() => chat?.stop());

const linesIn = (received: { type: string }[]) => received.filter((m) => m.type === "message").length;

describe("examples/chat limits", () => {
  it("closes a client sending lines as fast as it can with 1008, after at most a burst reached the room", async () => {
    chat = await startChat();
    const reader = await join(chat.base, "/chat/busy?name=reader");
    const flooder = await join(chat.base, "/chat/busy?name=flooder");
    await reader.saw({ type: "join", from: "flooder" });
    for (let i = 0; i < 100; i++) flooder.say(`spam ${i}`);
    expect(await flooder.closed).toEqual({ code: 1008, reason: "rate limit exceeded" });
    await reader.saw({ type: "leave", from: "flooder" });
    // The burst, and what refilled while the flood was being read (5 a second).
    expect(linesIn(reader.received)).toBeGreaterThanOrEqual(RATE_LIMIT.burst);
    expect(linesIn(reader.received)).toBeLessThanOrEqual(RATE_LIMIT.burst + RATE_LIMIT.messages);
    // A bystander is served as before.
    const bystander = await join(chat.base, "/chat/elsewhere?name=bystander");
    bystander.say("still here");
    await bystander.saw({ type: "message", text: "still here" });
  });

  it("closes a client sending long lines too fast with 1008, before the message limit", async () => {
    chat = await startChat();
    const reader = await join(chat.base, "/chat/busy?name=reader");
    const flooder = await join(chat.base, "/chat/busy?name=flooder");
    await reader.saw({ type: "join", from: "flooder" });
    const long = "漢".repeat(2000); // 6,000 bytes of UTF-8: six of them exceed the 32 KiB burst
    for (let i = 0; i < 8; i++) flooder.say(long);
    expect(await flooder.closed).toEqual({ code: 1008, reason: "byte rate limit exceeded" });
    await reader.saw({ type: "leave", from: "flooder" });
    // Five fit (30,150 bytes); a sixth only if the flood took over 0.4 s to read.
    expect(linesIn(reader.received)).toBeGreaterThanOrEqual(5);
    expect(linesIn(reader.received)).toBeLessThanOrEqual(6);
  });

  it("gives a flooder that reconnects no new burst", async () => {
    chat = await startChat();
    const reader = await join(chat.base, "/chat/busy?name=reader");
    const flood = async (count: number) => {
      const flooder = await join(chat.base, "/chat/busy?name=flooder");
      for (let i = 0; i < count; i++) flooder.say(`spam ${i}`);
      return (await flooder.closed).reason;
    };
    expect(await flood(20)).toBe("rate limit exceeded");
    await reader.saw({ type: "leave", from: "flooder" });
    const afterFirst = linesIn(reader.received);
    for (let i = 0; i < 5; i++) expect(await flood(20)).toBe("rate limit exceeded");
    // Five reconnections bought what refilled meanwhile (5 a second), not five bursts of 10.
    expect(linesIn(reader.received) - afterFirst).toBeLessThan(RATE_LIMIT.burst);
  });

  it("charges many connections from one address to one budget", async () => {
    chat = await startChat();
    const reader = await join(chat.base, "/chat/busy?name=reader");
    // Ten connections at once, each within its own burst of 10, share the address's 40.
    const many = await Promise.all(Array.from({ length: 10 }, (_, i) => join(chat.base, `/chat/busy?name=many${i}`)));
    const reasons = new Map<number, string>();
    many.forEach((m, i) => void m.closed.then(({ reason }) => reasons.set(i, reason)));
    const before = linesIn(reader.received);
    for (const member of many) for (let i = 0; i < RATE_LIMIT.burst - 1; i++) member.say("one of many");
    const from = (i: number) => reader.received.filter((m) => m.type === "message" && m.from === `many${i}`).length;
    // Each is either closed or has had all its lines reach the room.
    await vi.waitFor(() => expect(many.every((_, i) => reasons.has(i) || from(i) === RATE_LIMIT.burst - 1)).toBe(true));
    expect([...reasons.values()]).toContain("rate limit exceeded");
    expect(linesIn(reader.received) - before).toBeLessThanOrEqual(ADDRESS_RATE_LIMIT.burst + ADDRESS_RATE_LIMIT.messages);
  });

  it("lets a person chat at a person's pace", async () => {
    chat = await startChat();
    const ann = await join(chat.base, "/chat/lobby?name=ann");
    for (let i = 0; i < RATE_LIMIT.burst; i++) ann.say(`line ${i} ${"x".repeat(1000)}`);
    await ann.saw({ type: "message", text: `line ${RATE_LIMIT.burst - 1} ${"x".repeat(1000)}` });
    expect(ann.ws.readyState).toBe(ann.ws.OPEN);
  });

  it(`closes with 1009 on a frame over ${MAX_PAYLOAD} bytes, and takes the largest message the protocol allows`, async () => {
    chat = await startChat();
    const big = await join(chat.base, "/chat/lobby?name=big");
    big.ws.send(JSON.stringify({ type: "message", text: "x".repeat(MAX_PAYLOAD) }));
    expect((await big.closed).code).toBe(1009);
    const escaped = await join(chat.base, "/chat/lobby?name=escaped");
    const frame = `{"type":"message","text":"${"\\u00e9".repeat(2000)}"}`;
    expect(frame.length).toBeLessThan(MAX_PAYLOAD);
    escaped.ws.send(frame);
    await escaped.saw({ type: "message", text: "é".repeat(2000) });
  });
});
