import { describe, expect, it } from "vitest";
import * as browser from "../src/index.js";
import * as node from "../src/node.js";
import { recordingEcho, startServer } from "./_server.js";

describe("entries", () => {
  it("resolve @scallion/client to the Node entry under Node", async () => {
    const resolved = await import("@scallion/client");
    expect(resolved.createClient).toBe(node.createClient);
  });

  it("export the same names from the browser and Node entries", () => {
    expect(Object.keys(node).sort()).toEqual(Object.keys(browser).sort());
  });

  it.skipIf("WebSocket" in globalThis)("without a platform WebSocket: the Node entry uses ws, the browser entry asks for one", async () => {
    expect(() => browser.createClient("ws://127.0.0.1:1")).toThrow(expect.objectContaining({ code: "SCALLION_INVALID_OPTION" }));
    const server = await startServer(recordingEcho().app);
    const client = node.createClient(server.url);
    await client.opened();
    await client.close();
  });

  it("the browser entry takes a WebSocket class from the options", async () => {
    const { WebSocket } = await import("ws");
    const server = await startServer(recordingEcho().app);
    const client = browser.createClient(server.url, { WebSocket: WebSocket as unknown as browser.WebSocketConstructor });
    client.send("through ws");
    expect((await client[Symbol.asyncIterator]().next()).value).toBe("through ws");
    await client.close();
  });
});
