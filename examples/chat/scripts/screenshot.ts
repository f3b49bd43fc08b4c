/**
 * Regenerates docs/chat.png, the README's picture of the chat page: two people in #lobby.
 *
 *   pnpm --filter @scallion/example-chat screenshot
 */
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { MemoryPubSub } from "@scallion/core";
import { chromium } from "playwright-core";
import { createChatServer } from "../src/server.js";

const { http, endpoint } = createChatServer({ pubsub: new MemoryPubSub(), logger: false });
await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
const base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
try {
  const ann = await browser.newPage({ viewport: { width: 720, height: 560 } });
  await ann.goto(`${base}/?room=lobby&name=ann`);
  const bob = await browser.newPage();
  await bob.goto(`${base}/?room=lobby&name=bob`);
  await ann.waitForFunction('document.getElementById("members")?.textContent === "2"');
  const say = async (page: typeof ann, text: string) => {
    await page.fill("#message", text);
    await page.press("#message", "Enter");
  };
  await say(ann, "Morning! Is the deploy still on for ten?");
  await say(bob, "Yes, pipeline is green. Rolling out in five.");
  await say(ann, "Great, ping me when it's live.");
  await ann.waitForFunction('document.querySelectorAll("#log li:not(.notice)").length === 3');
  await ann.fill("#message", "Looks good from here");
  await ann.screenshot({ path: fileURLToPath(new URL("../../../docs/chat.png", import.meta.url)) });
} finally {
  await browser.close();
  http.close();
  await endpoint.close();
}
