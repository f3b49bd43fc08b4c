import { reject } from "@scallion/core";
import { auth } from "@scallion/middleware";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_UNEXPLAINED_FAILURES } from "../src/_handshakes.js";
import type { createClient } from "../src/index.js";
import { hasChromium, launchChromium } from "./_chromium.js";
import { PageServer } from "./_page-server.js";
import { startServer } from "./_server.js";

describe.skipIf(!hasChromium)("a refused handshake, in Chromium", () => {
  let browser: Browser;
  let page: Page;
  const pages = new PageServer();

  beforeAll(async () => {
    browser = await launchChromium();
    await pages.start();
    page = await browser.newPage();
    await page.goto(`${pages.origin}/?room=refusal&name=probe`);
    // The served browser build, as a page imports it.
    await page.addScriptTag({ type: "module", content: 'import { connect } from "/scallion-client.js"; window.connectScallion = connect;' });
    await page.waitForFunction(() => "connectScallion" in globalThis);
  }, 30_000);

  afterAll(async () => {
    await browser?.close();
    await pages.stop();
  });

  /** Runs the served client in the page against `url` until it stops; says how it stopped. */
  function stopped(url: string): Promise<{ code: number; error?: string }> {
    return page.evaluate(async (target) => {
      const connect = (globalThis as unknown as { connectScallion: typeof createClient }).connectScallion;
      const info = await connect(target, { reconnect: { min: 1, max: 5 } }).closed;
      return { code: info.code, ...(info.error && { error: info.error.code }) };
    }, url);
  }

  it(`stops after ${MAX_UNEXPLAINED_FAILURES} handshakes refused with 401, whose status the page cannot see`, async () => {
    const server = await startServer(async function* () {
      yield reject(401);
    });
    expect(await stopped(server.url)).toEqual({ code: 1006, error: "SCALLION_HANDSHAKE_FAILED" });
    expect(server.connections).toBe(MAX_UNEXPLAINED_FAILURES);
  });

  it('stops at the first handshake when auth() refuses with failWith: "close" (4401)', async () => {
    const server = await startServer(auth({ verify: () => undefined, failWith: "close" })(async function* () {}));
    expect(await stopped(server.url)).toEqual({ code: 4401 });
    expect(server.connections).toBe(1);
  });
});
