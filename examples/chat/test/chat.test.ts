import { afterEach, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { ServerMessage } from "../src/protocol.js";
import type { RunningChat } from "./_chat.js";
import { join, startChat } from "./_chat.js";

let chat: RunningChat;
afterEach(() => chat?.stop());

describe("examples/chat protocol", () => {
  it("announces joins with the member count, to the one joining too", async () => {
    chat = await startChat();
    const ann = await join(chat.base, "/chat/lobby?name=ann");
    await ann.saw({ type: "join", room: "lobby", from: "ann", members: 1 });
    const bob = await join(chat.base, "/chat/lobby?name=bob");
    await bob.saw({ type: "join", from: "bob", members: 2 });
    await ann.saw({ type: "join", from: "bob", members: 2 });
  });

  it("sends each line to every member of the room, the sender included, and nobody else", async () => {
    chat = await startChat();
    const [ann, bob, eve] = await Promise.all([
      join(chat.base, "/chat/lobby?name=ann"),
      join(chat.base, "/chat/lobby?name=bob"),
      join(chat.base, "/chat/elsewhere?name=eve"),
    ]);
    await ann.saw({ type: "join", from: "bob" });
    ann.say("hello, room");
    await bob.saw({ type: "message", room: "lobby", from: "ann", text: "hello, room" });
    await ann.saw({ type: "message", from: "ann", text: "hello, room" });
    eve.say("anyone?");
    await eve.saw({ type: "message", text: "anyone?" });
    expect(ann.received.some((m) => m.type === "message" && m.text === "anyone?")).toBe(false);
    const line = bob.received.find((m) => m.type === "message");
    expect(ServerMessage.parse(line)).toMatchObject({ ts: expect.any(Number) });
  });

  it("announces leaving with the count that remains", async () => {
    chat = await startChat();
    const ann = await join(chat.base, "/chat/lobby?name=ann");
    const bob = await join(chat.base, "/chat/lobby?name=bob");
    await ann.saw({ type: "join", from: "bob", members: 2 });
    bob.ws.close();
    await ann.saw({ type: "leave", room: "lobby", from: "bob", members: 1 });
  });

  it("closes with 1007 on a frame that is not JSON and 1008 on JSON that is not a message", async () => {
    chat = await startChat();
    const a = await join(chat.base, "/chat/lobby");
    a.ws.send("hello?");
    expect(await a.closed).toMatchObject({ code: 1007 });
    for (const bad of [{ type: "message", text: "" }, { type: "message", text: "x".repeat(2001) }, { type: "shout", text: "hi" }, [1, 2]]) {
      const b = await join(chat.base, "/chat/lobby");
      b.ws.send(JSON.stringify(bad));
      const { code, reason } = await b.closed;
      expect(code).toBe(1008);
      expect(reason.length).toBeGreaterThan(0);
    }
  });

  it("survives hostile JSON and keeps serving", async () => {
    chat = await startChat();
    const hostile = await join(chat.base, "/chat/lobby");
    hostile.ws.send("[".repeat(8_000) + "]".repeat(8_000)); // nesting past json()'s limit, within maxPayload
    expect((await hostile.closed).code).toBe(1007);
    const proto = await join(chat.base, "/chat/lobby");
    proto.ws.send('{"type":"message","text":"hi","__proto__":{"admin":true}}');
    await proto.saw({ type: "message", text: "hi" });
    expect(({} as { admin?: boolean }).admin).toBeUndefined();
  });

  it("refuses pages of other sites with 403", async () => {
    chat = await startChat();
    await expect(join(chat.base, "/chat/lobby", { Origin: "https://evil.example" })).rejects.toMatchObject({ status: 403 });
    const local = await join(chat.base, "/chat/lobby", { Origin: `http://127.0.0.1:${chat.port}` });
    await local.saw({ type: "join" });
  });

  it("serves the page at / on the same port, and 404 for unknown paths", async () => {
    chat = await startChat();
    const page = await fetch(`http://${chat.base}/?room=lobby&name=ann`);
    expect(page.headers.get("content-type")).toMatch(/^text\/html/);
    const html = await page.text();
    for (const id of ["message", "send", "log", "status", "members"]) expect(html).toContain(`id="${id}"`);
    expect(html).toContain('<label for="message">');
    expect((await fetch(`http://${chat.base}/nope`)).status).toBe(404);
    const status = await new Promise<number | undefined>((resolve) => {
      const ws = new WebSocket(`ws://${chat.base}/nope`);
      ws.on("unexpected-response", (_req, res) => resolve(res.statusCode));
    });
    expect(status).toBe(404);
  });
});
