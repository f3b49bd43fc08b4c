import { existsSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import { chromium } from "playwright-core";

/** Debian's Chromium; the browser tests skip, saying so, where it is missing. */
const CHROMIUM = "/usr/bin/chromium";
export const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`chat browser tests skipped: ${CHROMIUM} is missing (apt-get install chromium)`);

/** Headless Chromium on a fresh temporary profile (no browser is ever downloaded). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/** Opens the chat page at `origin` with `query` (`room=…&name=…`). */
export async function openPage(browser: Browser, origin: string, query: string): Promise<Page> {
  const page = await browser.newPage();
  page.on("pageerror", (error) => console.error("page error:", error));
  await page.goto(`${origin}/?${query}`);
  return page;
}

/** The chat lines shown, `from: text`, in order. */
export const lines = (page: Page) => page.$$eval("#log li:not(.notice)", (items) => items.map((li) => li.textContent));
/** The notices shown (joins, leaves, disconnections, missing messages), in order. */
export const notices = (page: Page) => page.$$eval("#log li.notice", (items) => items.map((li) => li.textContent));

/** Types `text` and sends it with Enter, or with a click on Send. */
export async function say(page: Page, text: string, how: "enter" | "click" = "enter"): Promise<void> {
  await page.fill("#message", text);
  if (how === "enter") await page.press("#message", "Enter");
  else await page.click("#send");
}

/** The notice the page shows when its room's history did not cover the time it was away. */
export const MISSING = "Reconnected, but some messages may be missing: you were away longer than this room keeps them.";
