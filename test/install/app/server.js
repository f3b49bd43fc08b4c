// A server as a user writes it, run with plain `node` on the installed packages.
import { sendJson, serve } from "@scallion/core";
import { auth, compose, json, query, router, validate } from "@scallion/middleware";
import * as z from "zod";

const Message = z.object({ type: z.literal("message"), text: z.string() });

const app = router({
  "/echo": compose(
    auth({ from: query("token"), verify: (token) => (token === "secret" ? { name: "ann" } : undefined) }),
    json(),
    validate(Message),
  )(async function* echo(scope, receiver) {
    for await (const message of receiver) yield sendJson({ ...message, from: scope.user.name });
  }),
});

const server = await serve(app, { port: 0, host: "127.0.0.1", logger: false });
console.log(server.url);
process.once("SIGTERM", () => void server.close().then(() => process.exit(0)));
