import { signSession } from "@scallion/middleware";
import { afterEach, describe, expect, it } from "vitest";
import { GUEST_MARK } from "../src/chat.js";
import { SESSION_SECONDS } from "../src/session.js";
import type { RunningChat } from "./_chat.js";
import { join, startChat } from "./_chat.js";

let chat: RunningChat;
afterEach(() => chat?.stop());

const SECRET = "s3cret";
/** A session cookie as examples/auth issues it: `<session id>:<name>`, signed with its issued-at. */
const session = (name: string, issuedAt = Date.now()) => `session=${encodeURIComponent(signSession(`sid-${name}:${name}`, SECRET, { issuedAt }))}`;
const q = (name: string) => `/chat/lobby?name=${encodeURIComponent(name)}`;
const fromOf = async (path: string, headers: Record<string, string> = {}) => {
  const member = await join(chat.base, path, headers);
  await member.saw({ type: "join" });
  const from = member.received.find((m) => m.type === "join")?.from;
  member.ws.close();
  return from;
};

describe("examples/chat names", () => {
  it("names a signed-in speaker from examples/auth's session cookie, whatever ?name= says", async () => {
    chat = await startChat({ sessionSecret: SECRET });
    expect(await fromOf(q("mallory"), { Cookie: session("carol") })).toBe("carol");
  });

  it("never lets a guest take a signed-in user's name: where people can sign in, a chosen name is marked as a guest's", async () => {
    chat = await startChat({ sessionSecret: SECRET });
    const carol = await join(chat.base, "/chat/lobby", { Cookie: session("carol") });
    await carol.saw({ type: "join", from: "carol" });
    const impostor = await join(chat.base, q("carol"));
    await carol.saw({ type: "join", from: `carol${GUEST_MARK}` });
    impostor.say("it's me, carol");
    await carol.saw({ type: "message", from: `carol${GUEST_MARK}`, text: "it's me, carol" });
    expect(carol.received.filter((m) => "from" in m && m.from === "carol").map((m) => m.type)).toEqual(["join"]);
    // Forged, foreign-secret, expired and pre-issued-at cookies make a guest too.
    for (const cookie of [
      "session=sid-carol%3Acarol.1700000000.forged",
      `session=${encodeURIComponent(signSession("sid-carol:carol", "guessed"))}`,
      session("carol", Date.now() - (SESSION_SECONDS + 60) * 1000),
      "session=carol",
    ]) {
      expect(await fromOf(q("carol"), { Cookie: cookie }), cookie).toBe(`carol${GUEST_MARK}`);
    }
  });

  it("takes ?name= as it is where nobody signs in, and makes a guest id without one", async () => {
    chat = await startChat();
    expect(await fromOf(q("  Zoë 🧅  "))).toBe("Zoë 🧅");
    expect(await fromOf(q("山田"))).toBe("山田");
    expect(await fromOf("/chat/lobby")).toMatch(/^guest-[\w-]{8}$/);
    expect(await fromOf(q("   "))).toMatch(/^guest-[\w-]{8}$/);
  });

  it("refuses control, bidirectional-override and invisible characters in a name with 1008 and a reason naming the character", async () => {
    chat = await startChat();
    for (const [name, code] of [
      ["\u202Eevil", "202E"],
      ["ann\u2066", "2066"],
      ["ann\u200F", "200F"],
      ["a\u200Bnn", "200B"],
      ["\uFEFFann", "FEFF"],
      ["a\u0007b", "0007"],
      ["a\nb", "000A"],
      ["a\u2028b", "2028"],
      ["\u3164", "3164"],
    ] as const) {
      const member = await join(chat.base, q(name));
      const { code: closeCode, reason } = await member.closed;
      expect(closeCode, name).toBe(1008);
      expect(reason).toBe(`name: U+${code} is not allowed (no control, bidirectional or invisible characters)`);
      expect(member.received).toEqual([]);
    }
    const long = await join(chat.base, q("x".repeat(33)));
    expect(await long.closed).toEqual({ code: 1008, reason: "name: longer than 32 characters" });
    // 32 characters, counted as people count them (code points, after NFC), are fine.
    expect(await fromOf(q("🧅".repeat(32)))).toBe("🧅".repeat(32));
    expect(await fromOf(q("e\u0301".repeat(32)))).toBe("\u00e9".repeat(32));
  });

  it("refuses a room name that breaks the same rules, or is longer than 64 characters", async () => {
    chat = await startChat();
    const bidi = await join(chat.base, `/chat/${encodeURIComponent("lobby\u202E")}`);
    expect(await bidi.closed).toMatchObject({ code: 1008, reason: expect.stringMatching(/^room: U\+202E/) });
    const long = await join(chat.base, `/chat/${"r".repeat(65)}`);
    expect(await long.closed).toEqual({ code: 1008, reason: "room: longer than 64 characters" });
  });
});
