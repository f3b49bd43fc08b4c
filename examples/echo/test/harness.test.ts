import { close, send } from "@scallion/core";
import type { TransportName } from "@scallion/testing";
import { collect, connect, testScope } from "@scallion/testing";
import { describe, expect, it } from "vitest";
import { app, shout } from "../src/app.js";

describe.each<TransportName>(["memory", "ws"])("examples/echo with @scallion/testing (%s)", (transport) => {
  it("/echo sends every message back unchanged, text as text and binary as binary, in order", async () => {
    await using client = await connect(app, "/echo", { transport });
    client.send("hello");
    client.send(new Uint8Array([0, 1, 255]));
    client.send("żółw 🐢");
    client.send("");
    expect(await client.receive()).toBe("hello");
    expect([...((await client.receive()) as Buffer)]).toEqual([0, 1, 255]);
    expect(await client.receive()).toBe("żółw 🐢");
    expect(await client.receive()).toBe("");
  });

  it("/echo closes with the client's code when the client leaves", async () => {
    const client = await connect(app, "/echo", { transport });
    expect(await client.close(4000, "done")).toEqual({ code: 4000, reason: "done" });
  });

  it("/shout answers @ECHO, then says bye and closes with 1001 on exit", async () => {
    const client = await connect(app, "/shout", { transport });
    client.send("hi");
    client.send("exit");
    expect(await client.receive()).toBe("@ECHO: hi");
    expect(await client.receive()).toBe("@ECHO: exit");
    expect(await client.receive()).toBe("bye");
    expect(await client.closed).toEqual({ code: 1001, reason: "bye" });
  });

  it("any other path gets HTTP 404 without an upgrade", async () => {
    await expect(connect(app, "/nope", { transport })).rejects.toMatchObject({ status: 404, body: "Not Found" });
  });
});

describe("examples/echo handlers as data (collect)", () => {
  it("/shout yields the shallot-style events for a scripted conversation", async () => {
    expect(await collect(shout, testScope({ url: "/shout" }), ["hi", "exit", "unread"])).toEqual([
      send("@ECHO: hi"),
      send("@ECHO: exit"),
      send("bye"),
      close(1001, "bye"),
    ]);
  });
});
