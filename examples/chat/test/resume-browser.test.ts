import type { PubSub } from "@scallion/core";
import { createRedisPubSub } from "@scallion/redis";
import type { TestRedis } from "@scallion/redis/testing";
import { hasRedis, startRedis } from "@scallion/redis/testing";
import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { HISTORY } from "../src/history.js";
import type { Member, RunningChat } from "./_chat.js";
import { join, startChat } from "./_chat.js";
import { hasChromium, launchChromium, lines, notices, openPage } from "./_page.js";
import { CuttableProxy } from "./_proxy.js";

const status = (page: Page) => expect.poll(() => page.textContent("#status"), { timeout: 15_000 });

/** Bob says each line and waits until the server has sent it back to him: it was said. */
async function talk(bob: Member, texts: readonly string[]): Promise<void> {
  for (const text of texts) {
    bob.say(text);
    await bob.saw({ type: "message", from: "bob", text });
  }
}

const meanwhile = ["are you there?", "you missed this", "and this, in order"];

describe.skipIf(!hasChromium)("a chat page that lost its connection, in Chromium", () => {
  let browser: Browser;
  const running: { stop(): Promise<unknown> }[] = [];

  beforeAll(async () => {
    browser = await launchChromium();
  }, 30_000);
  afterAll(() => browser?.close());
  afterEach(async () => {
    for (const r of running.splice(0).reverse()) await r.stop();
  });

  async function chat(options: { pubsub?: PubSub; port?: number } = {}): Promise<RunningChat> {
    const started = await startChat(options);
    running.push(started);
    return started;
  }

  it("shows what was said while its network was cut, in order and once, when it comes back", async () => {
    const server = await chat();
    const proxy = await new CuttableProxy(server.port).restore();
    running.push({ stop: () => proxy.cut() });
    const ann = await openPage(browser, proxy.origin, "room=cut&name=ann");
    await status(ann).toBe("open");
    const bob = await join(server.base, "/chat/cut?name=bob");
    await talk(bob, ["before"]);
    await expect.poll(() => lines(ann)).toEqual(["bob: before"]);

    await proxy.cut();
    await status(ann).toBe("reconnecting");
    await talk(bob, meanwhile);
    await proxy.restore();
    await status(ann).toBe("open");
    await talk(bob, ["after"]);
    const expected = ["bob: before", ...meanwhile.map((t) => `bob: ${t}`), "bob: after"];
    await expect.poll(() => lines(ann), { timeout: 10_000 }).toEqual(expected);
    expect(await ann.$$eval("#log li.missing", (items) => items.length)).toBe(0);
    // Its own leave, published after the cut, is part of what it missed; then its join again.
    expect((await notices(ann)).slice(-2)).toEqual(["ann left", "ann joined"]);
  }, 60_000);

  describe.skipIf(!hasRedis)("with two instances on one Redis", () => {
    let redis: TestRedis;
    const engines: { close(): Promise<void> }[] = [];
    beforeAll(async () => {
      redis = await startRedis();
    });
    afterAll(() => redis?.stop());
    afterEach(async () => {
      await Promise.all(engines.splice(0).map((e) => e.close()));
    });

    async function engine(): Promise<PubSub> {
      const pubsub = await createRedisPubSub({ url: redis.url, logger: false, history: HISTORY });
      engines.push(pubsub);
      return pubsub;
    }

    it("shows what was said on the other instance while its own restarted, in order and once", async () => {
      const one = await chat({ pubsub: await engine() });
      const other = await chat({ pubsub: await engine() });
      const ann = await openPage(browser, `http://${one.base}`, "room=restart&name=ann");
      await status(ann).toBe("open");
      const bob = await join(other.base, "/chat/restart?name=bob");
      await talk(bob, ["before"]);
      await expect.poll(() => lines(ann)).toEqual(["bob: before"]);

      // A new process on the same port: an engine of its own, the history in Redis.
      await one.stop();
      await status(ann).not.toBe("open");
      await talk(bob, meanwhile);
      await chat({ pubsub: await engine(), port: one.port });
      await status(ann).toBe("open");
      await talk(bob, ["after"]);
      const expected = ["bob: before", ...meanwhile.map((t) => `bob: ${t}`), "bob: after"];
      await expect.poll(() => lines(ann), { timeout: 10_000 }).toEqual(expected);
      expect(await ann.$$eval("#log li.missing", (items) => items.length)).toBe(0);
    }, 60_000);
  });
});
