import type { Handler } from "@scallion/core";
import { MemoryPubSub, publish, send, subscribe } from "@scallion/core";
import { describe, expect, it } from "vitest";
import type { TransportName } from "../src/index.js";
import { testServer } from "../src/index.js";

/** Joins "news"; every message it gets is published to "news". */
const member: Handler = async function* (_scope, receiver) {
  yield subscribe("news");
  yield send("joined");
  for await (const message of receiver) yield publish("news", message);
};

describe.each<TransportName>(["memory", "ws"])("testServer() pub/sub (%s)", (transport) => {
  it("publishes, broadcasts and counts like a real server", async () => {
    await using server = testServer(member, { transport });
    const [a, b] = [await server.connect("/room"), await server.connect("/room")];
    expect(await a.receive()).toBe("joined");
    expect(await b.receive()).toBe("joined");
    expect(await server.count("news")).toBe(2);
    await server.publish("news", "from outside");
    expect(await a.receive()).toBe("from outside");
    expect(await b.receive()).toBe("from outside");
    a.send("from a");
    expect(await b.receive()).toBe("from a");
    expect(await a.receive()).toBe("from a");
    await server.broadcast("/room", "to the path");
    expect(await a.receive()).toBe("to the path");
    expect(await b.receive()).toBe("to the path");
  });

  it("fans out between servers sharing one engine", async () => {
    const pubsub = new MemoryPubSub();
    await using one = testServer(member, { transport, pubsub });
    await using two = testServer(member, { transport, pubsub });
    const a = await one.connect("/");
    const b = await two.connect("/");
    await a.receive();
    await b.receive();
    expect(await one.count("news")).toBe(2);
    b.send("across");
    expect(await a.receive()).toBe("across");
  });
});
