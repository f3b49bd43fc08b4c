import { reject, send, serve } from "@scallion/core";
import type { Handler } from "@scallion/core";
import { describe, expect, it } from "vitest";
import { connectUrl, HandshakeError } from "../src/index.js";

const app: Handler = async function* (scope, receiver) {
  if (scope.path !== "/echo") {
    yield reject(404, "no such path");
    return;
  }
  yield send(`hello ${scope.headers["x-name"] ?? "stranger"}`);
  for await (const message of receiver) yield send(message);
};

describe("connectUrl()", () => {
  it("gives the test client API over a real socket to a running server", async () => {
    await using server = await serve(app, { port: 0, logger: false });
    await using client = await connectUrl(`${server.url}/echo`, { headers: { "X-Name": "ann" } });
    expect(await client.receive()).toBe("hello ann");
    client.send("again");
    expect(await client.receive()).toBe("again");
    expect(await client.close(4000, "bye")).toEqual({ code: 4000, reason: "bye" });
    const refused = connectUrl(`${server.url}/nope`);
    await expect(refused).rejects.toBeInstanceOf(HandshakeError);
    await expect(refused).rejects.toMatchObject({ status: 404, body: "no such path" });
  });
});
