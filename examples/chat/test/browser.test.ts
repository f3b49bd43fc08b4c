import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningChat } from "./_chat.js";
import { startChat } from "./_chat.js";
import { hasChromium, launchChromium, lines, MISSING, notices, openPage, say } from "./_page.js";

describe.skipIf(!hasChromium)("the chat page in Chromium", () => {
  let browser: Browser;
  let chat: RunningChat;

  beforeAll(async () => {
    browser = await launchChromium();
    chat = await startChat();
  }, 30_000);

  afterAll(async () => {
    await browser?.close();
    await chat?.stop();
  });

  const open = (query: string): Promise<Page> => openPage(browser, `http://${chat.base}`, query);
  const status = (page: Page) => expect.poll(() => page.textContent("#status"), { timeout: 15_000 });

  it("lets two people chat, shows joins and the member count, and survives a server restart", async () => {
    const ann = await open("room=e2e&name=ann");
    await status(ann).toBe("open");
    const bob = await open("room=e2e&name=bob");
    await status(bob).toBe("open");
    await expect.poll(() => ann.textContent("#members")).toBe("2");
    await expect.poll(() => bob.textContent("#members")).toBe("2");
    await expect.poll(() => notices(ann)).toContain("bob joined");
    expect(await ann.getAttribute("#message", "id")).toBe("message");
    expect(await ann.textContent('label[for="message"]')).toBe("Message");

    await say(ann, "hi bob");
    await say(bob, "hello ann", "click");
    for (const page of [ann, bob]) {
      await expect.poll(() => lines(page)).toEqual(["ann: hi bob", "bob: hello ann"]);
    }

    await chat.restart();
    await status(ann).not.toBe("open");
    // Typed while the connection is down: sent once it is back, in order, exactly once.
    await say(ann, "typed during the restart");
    await say(ann, "and another");
    await status(ann).toBe("open");
    await status(bob).toBe("open");
    await expect.poll(() => ann.textContent("#members"), { timeout: 10_000 }).toBe("2");
    await say(bob, "back again");
    const expected = ["ann: hi bob", "bob: hello ann", "ann: typed during the restart", "ann: and another", "bob: back again"];
    await expect.poll(() => lines(ann), { timeout: 10_000 }).toEqual(expected);
    // A restart of a single process loses the rooms' history in memory: the pages say so.
    await expect.poll(() => notices(ann), { timeout: 10_000 }).toContain(MISSING);
    // Bob sees ann's queued lines only if he was back first (the new process has no history of
    // them for him), but never twice and never out of order.
    await expect.poll(() => lines(bob), { timeout: 10_000 }).toContain("bob: back again");
    const seen = await lines(bob);
    expect(seen).toEqual(expected.filter((line) => seen.includes(line)));
  }, 60_000);

  it("tells the user why the server closed the connection, and stops: sending too fast, or a name it refuses", async () => {
    const fast = await open("room=limits&name=fast");
    await status(fast).toBe("open");
    // Thirty lines submitted through the page's own form at once: far past the burst of ten.
    await fast.evaluate(`
      for (let i = 0; i < 30; i++) {
        document.getElementById("message").value = "line " + i;
        document.getElementById("composer").requestSubmit();
      }`);
    await status(fast).toBe("closed");
    await expect
      .poll(() => notices(fast))
      .toContain("Disconnected: you sent messages too fast (1008 rate limit exceeded). Reload the page to rejoin.");
    expect(await fast.isDisabled("#message")).toBe(true);

    const spoof = await open(`room=limits&name=${encodeURIComponent("\u202Eevil")}`);
    await status(spoof).toBe("closed");
    await expect
      .poll(() => notices(spoof))
      .toContain("Disconnected (1008 name: U+202E is not allowed (no control, bidirectional or invisible characters)). Reload the page to rejoin.");
  }, 30_000);

  it("refuses the chat's WebSocket to a page on another port of the same host, and serves its own page", async () => {
    const probe = `
      <script>
        const ws = new WebSocket("ws://${chat.base}/chat/lobby?name=mallory");
        ws.onopen = () => (document.title = "open");
        ws.onclose = (event) => (document.title = "closed " + event.code);
      </script>`;
    const other = createServer((_req, res) => res.writeHead(200, { "Content-Type": "text/html" }).end(probe));
    await new Promise<void>((resolve) => other.listen(0, "127.0.0.1", resolve));
    try {
      const page = await browser.newPage();
      await page.goto(`http://127.0.0.1:${(other.address() as AddressInfo).port}/`);
      await expect.poll(() => page.title(), { timeout: 10_000 }).toBe("closed 1006");
      const own = await open("room=lobby&name=alice");
      await status(own).toBe("open");
    } finally {
      await new Promise((resolve) => other.close(resolve));
    }
  }, 30_000);
});
