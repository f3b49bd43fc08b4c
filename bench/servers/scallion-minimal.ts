/** Scallion with the router only: the least a Scallion app can be. */
import { publish, send, serve, subscribe } from "@scallion/core";
import { router } from "@scallion/middleware";
import { announce, host, port } from "./_listen.js";

const app = router({
  "/echo": async function* echo(_scope, receiver) {
    for await (const message of receiver) yield send(message);
  },
  "/room": async function* room(_scope, receiver) {
    yield subscribe("room");
    for await (const message of receiver) yield publish("room", message);
  },
});

const server = await serve(app, { port, host });
announce("scallion-minimal", server.address.port as number);
