import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasChromium, launchChromium } from "./_chromium.js";
import { PageServer } from "./_page-server.js";

describe.skipIf(!hasChromium)("in Chromium", () => {
  let browser: Browser;
  const server = new PageServer();

  beforeAll(async () => {
    browser = await launchChromium();
    await server.start();
  }, 30_000);

  afterAll(async () => {
    await browser?.close();
    await server.stop();
  });

  async function open(query: string): Promise<Page> {
    const page = await browser.newPage();
    page.on("pageerror", (error) => console.error("page error:", error));
    await page.goto(`${server.origin}/?${query}`);
    return page;
  }

  const status = (page: Page) => expect.poll(() => page.textContent("#status"), { timeout: 10_000 });
  const log = (page: Page) => page.$$eval("#log li:not(.notice)", (items) => items.map((li) => li.textContent));

  async function say(page: Page, text: string): Promise<void> {
    await page.fill("#message", text);
    await page.press("#message", "Enter");
  }

  it("loads the served build as a module and as a classic script", async () => {
    const page = await open("room=scripts&name=probe");
    await status(page).toBe("open");
    await page.addScriptTag({ url: "/scallion-client.global.js" });
    const global = await page.evaluate(() => {
      const api = (globalThis as unknown as { Scallion: Record<string, unknown> }).Scallion;
      return ["connect", "createClient", "json"].map((name) => typeof api[name]);
    });
    expect(global).toEqual(["function", "function", "function"]);
    await page.close();
  });

  it("two pages chat, survive a server restart, and send what was typed meanwhile once, in order", async () => {
    const ann = await open("room=e2e&name=ann");
    const bob = await open("room=e2e&name=bob");
    await status(ann).toBe("open");
    await status(bob).toBe("open");
    await expect.poll(() => ann.textContent("#members")).toBe("2");

    await say(ann, "hello bob");
    await bob.fill("#message", "hi ann");
    await bob.click("#send");
    for (const page of [ann, bob]) await expect.poll(() => log(page)).toEqual(["ann: hello bob", "bob: hi ann"]);

    await server.stop();
    await status(ann).toBe("reconnecting");
    await status(bob).toBe("reconnecting");
    await say(ann, "typed during the restart");
    await say(ann, "and another");
    await server.start();
    await status(ann).toBe("open");
    await status(bob).toBe("open");

    const expected = ["ann: hello bob", "bob: hi ann", "ann: typed during the restart", "ann: and another"];
    await expect.poll(() => log(ann)).toEqual(expected);
    await say(bob, "welcome back");
    for (const page of [ann, bob]) await expect.poll(() => log(page)).toContain("bob: welcome back");
    expect(server.said).toEqual([...expected, "bob: welcome back"]);
    await ann.close();
    await bob.close();
  });
});
