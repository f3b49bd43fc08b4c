// Type-checked against the installed packages under NodeNext and Bundler resolution: the public
// API as the READMEs use it, with the types flowing through middleware.
import type { Handler, Scope } from "@scallion/core";
import { close, send, serve, websocket } from "@scallion/core";
import { auth, bearer, compose, json, origin, rateLimit, router, validate } from "@scallion/middleware";
import { createRedisPubSub } from "@scallion/redis";
import { collect, connect, testScope } from "@scallion/testing";
import type { ClientError } from "@scallion/client";
import { createClient } from "@scallion/client";
import { clientScriptHandler } from "@scallion/client/serve";
import * as z from "zod";

const ClientMessage = z.object({ type: z.literal("message"), text: z.string() });

const shout = websocket(async function* (_scope: Scope, receiver: AsyncIterable<string | Uint8Array>) {
  for await (const message of receiver) yield send(`@ECHO: ${String(message)}`);
  yield close(1001, "bye");
});

const chat: Handler = router({
  "/chat/:room": compose(
    origin(),
    auth({ from: bearer(), verify: (token: string) => (token === "t" ? { name: "ann" } : undefined) }),
    rateLimit({ messages: 20, per: 1000 }),
    json(),
    validate(ClientMessage),
  )(async function* (scope, receiver) {
    const room: string = scope.params.room;
    const name: string = scope.user.name;
    for await (const message of receiver) {
      const text: string = message.text;
      yield send(`${room} ${name}: ${text}`);
    }
  }),
  "/shout": shout,
});

export async function check(): Promise<void> {
  const events = await collect(shout, testScope({ url: "/shout" }), ["hi"]);
  await using client = await connect(chat, "/chat/lobby");
  client.send("{}");
  const server = await serve(chat, { port: 0 });
  const pubsub = await createRedisPubSub({ url: "redis://127.0.0.1:6379" });
  const typed = createClient(`${server.url}/chat/lobby`, { outgoing: ClientMessage });
  typed.send({ type: "message", text: "hello" });
  typed.on("error", (error: ClientError) => console.log(error.code, events.length));
  clientScriptHandler();
  await Promise.all([typed.close(), server.close(), pubsub.close()]);
}
