/**
 * Scallion with the whole stack on the measured path: router, origin check, authentication by
 * query token (`?token=bench`), and on `/echo` each message parsed as JSON, validated with zod as
 * `{"type":"echo","data":string}` and sent back with `sendJson`.
 */
import { publish, sendJson, serve, subscribe } from "@scallion/core";
import { auth, compose, json, origin, query, router, validate } from "@scallion/middleware";
import { z } from "zod";
import { announce, host, port } from "./_listen.js";

const EchoMessage = z.object({ type: z.literal("echo"), data: z.string() });

const guarded = compose(
  origin(),
  auth({ from: query("token"), verify: (token) => (token === "bench" ? { name: "bench" } : undefined) }),
);

const app = router({
  "/echo": guarded(
    compose(
      json(),
      validate(EchoMessage),
    )(async function* echo(_scope, receiver) {
      for await (const message of receiver) yield sendJson(message);
    }),
  ),
  "/room": guarded(async function* room(_scope, receiver) {
    yield subscribe("room");
    for await (const message of receiver) yield publish("room", message);
  }),
});

// The load generator opens every connection from 127.0.0.1: no per-address cap, as for raw ws.
const server = await serve(app, { port, host, maxConnectionsPerAddress: null });
announce("scallion-full", server.address.port as number);
