import { sendJson } from "@scallion/core";
import { connect, testServer } from "@scallion/testing";
import { describe, expect, it, vi } from "vitest";
import { compose, json, rateLimit } from "../src/index.js";

const echoing = (options: Parameters<typeof rateLimit>[0]) =>
  rateLimit(options)(async function* (scope, receiver) {
    for await (const message of receiver) {
      const size = typeof message === "string" ? message.length : (message as Uint8Array).byteLength;
      yield sendJson({ size, dropped: scope.rateLimit.dropped });
    }
  });

describe("rateLimit({ bytes })", () => {
  it("closes with 1008 once the byte burst is spent, counting text in UTF-8 bytes", async () => {
    const client = await connect(echoing({ bytes: 10, per: 60_000 }), "/");
    client.send("ééé"); // 3 characters, 6 bytes
    expect(await client.receiveJson()).toEqual({ size: 3, dropped: 0 });
    client.send("abcde"); // 6 + 5 bytes > 10; 3 + 5 characters would have fitted
    expect(await client.closed).toEqual({ code: 1008, reason: "byte rate limit exceeded" });
  });

  it("counts binary messages by their length", async () => {
    const client = await connect(echoing({ bytes: 16, per: 60_000 }), "/");
    client.send(new Uint8Array(16));
    expect(await client.receiveJson()).toEqual({ size: 16, dropped: 0 });
    client.send(new Uint8Array(1));
    expect(await client.closed).toMatchObject({ code: 1008 });
  });

  it("does not charge the message bucket for a message the byte bucket drops", async () => {
    const client = await connect(echoing({ messages: 3, bytes: 10, per: 60_000, onExceed: "drop" }), "/");
    client.send("x".repeat(11)); // over the byte burst: dropped, and no message token spent
    for (let i = 0; i < 3; i++) client.send("abc"); // 9 bytes, 3 messages: all fit
    for (let i = 0; i < 3; i++) expect(await client.receiveJson()).toEqual({ size: 3, dropped: 1 });
    await client.close();
  });

  it("refills the byte budget over `per`", async () => {
    const client = await connect(echoing({ bytes: 100, per: 200, onExceed: "drop" }), "/");
    client.send("x".repeat(100));
    expect(await client.receiveJson()).toEqual({ size: 100, dropped: 0 });
    let reply: unknown;
    await vi.waitFor(
      async () => {
        client.send("y".repeat(60));
        reply = await client.receiveJson({ timeout: 30 });
        expect(reply).toMatchObject({ size: 60 });
      },
      { timeout: 2_000, interval: 40 },
    );
    expect((reply as { dropped: number }).dropped).toBeGreaterThanOrEqual(1);
    await client.close();
  });

  it("is a server fault (1011) after json(), where messages have no size", async () => {
    const app = compose(json(), rateLimit({ bytes: 1000 }))(async function* (_scope, receiver) {
      for await (const message of receiver) yield sendJson(message);
    });
    const client = await connect(app, "/", { logger: false });
    client.send("{}");
    expect(await client.closed).toMatchObject({ code: 1011 });
  });

  it("throws an OptionError naming a bad byte option at start-up", () => {
    expect(() => rateLimit({ messages: 1, by: "ip" } as never)).toThrow(/option "by"/);
    expect(() => rateLimit({ maxConnectionsPerIp: 1, by: "address" })).toThrow(/option "by" needs messages or bytes/);
    for (const bytes of [0, -1, Number.NaN, "1000"]) {
      expect(() => rateLimit({ bytes } as never), String(bytes)).toThrow(/option "bytes"/);
    }
    expect(() => rateLimit({ bytes: 10, burstBytes: 0 })).toThrow(/option "burstBytes"/);
    expect(() => rateLimit({ messages: 10, burstBytes: 100 })).toThrow(/option "burstBytes" needs bytes/);
    expect(() => rateLimit({ bytes: 10, burst: 5 })).toThrow(/option "burst" needs messages/);
    expect(() => rateLimit({ per: 1000 })).toThrow(/option "messages" or bytes or maxConnectionsPerIp/);
  });
});

const from = (address: string) => ({ headers: { "X-Forwarded-For": address } });

/** Waits until a new connection from `address` may send 10 bytes at once again. */
async function refills(server: ReturnType<typeof testServer>, address: string): Promise<void> {
  await vi.waitFor(
    async () => {
      const later = await server.connect("/", from(address));
      later.send("x".repeat(10));
      expect(await later.receiveJson({ timeout: 100 })).toMatchObject({ size: 10 });
      await later.close();
    },
    { timeout: 4_000, interval: 100 },
  );
}

describe("rateLimit() per connection, across reconnections", () => {
  it("starts a new connection with what the last closed one from its address left: reconnecting buys no new burst", async () => {
    await using server = testServer(echoing({ messages: 3, per: 60_000 }), { trustProxy: 1 });
    const [spender, bystander] = await Promise.all([server.connect("/", from("10.0.1.1")), server.connect("/", from("10.0.1.1"))]);
    for (let i = 0; i < 3; i++) spender.send("x");
    for (let i = 0; i < 3; i++) expect(await spender.receiveJson()).toMatchObject({ size: 1 });
    await spender.close();
    const again = await server.connect("/", from("10.0.1.1"));
    again.send("x");
    expect(await again.closed).toEqual({ code: 1008, reason: "rate limit exceeded" });
    // An open connection of that address keeps its own budget; another address has its own.
    const elsewhere = await server.connect("/", from("10.0.1.2"));
    for (const client of [bystander, elsewhere]) {
      for (let i = 0; i < 3; i++) client.send("y");
      for (let i = 0; i < 3; i++) expect(await client.receiveJson()).toMatchObject({ size: 1 });
    }
  });

  it("starts it full when the last one closed with its budget untouched, or long enough ago", async () => {
    await using server = testServer(echoing({ bytes: 10, per: 1000 }), { trustProxy: 1 });
    const idle = await server.connect("/", from("10.0.1.3"));
    await idle.close();
    const full = await server.connect("/", from("10.0.1.3"));
    full.send("x".repeat(10));
    expect(await full.receiveJson()).toMatchObject({ size: 10 });
    await full.close();
    await refills(server, "10.0.1.3");
  });
});

describe("rateLimit({ by: \"address\" })", () => {
  it("charges every connection of one address to one budget, and other addresses to their own", async () => {
    await using server = testServer(echoing({ messages: 3, per: 60_000, by: "address" }), { trustProxy: 1 });
    const [a, b, other] = await Promise.all([server.connect("/", from("10.0.0.1")), server.connect("/", from("10.0.0.1")), server.connect("/", from("10.0.0.2"))]);
    for (const client of [a, b, a]) {
      client.send("x");
      expect(await client.receiveJson()).toMatchObject({ size: 1 });
    }
    b.send("x");
    expect(await b.closed).toEqual({ code: 1008, reason: "rate limit exceeded" });
    for (let i = 0; i < 3; i++) other.send("y");
    for (let i = 0; i < 3; i++) expect(await other.receiveJson()).toMatchObject({ size: 1 });
  });

  it("keeps an address's budget when its connections close: reconnecting buys no new burst, until it has refilled", async () => {
    await using server = testServer(echoing({ bytes: 10, per: 1000, by: "address" }), { trustProxy: 1 });
    const first = await server.connect("/", from("10.0.0.3"));
    first.send("x".repeat(10));
    expect(await first.receiveJson()).toMatchObject({ size: 10 });
    await first.close();
    const again = await server.connect("/", from("10.0.0.3"));
    again.send("x".repeat(10));
    expect(await again.closed).toMatchObject({ code: 1008, reason: "byte rate limit exceeded" });
    // A second later the budget is full again, whether kept or forgotten.
    await refills(server, "10.0.0.3");
  });
});
