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

// The load generator opens every connection from 127.0.0.1: no per-address cap, as for raw ws.
const server = await serve(app, { port, host, maxConnectionsPerAddress: null });
announce("scallion-minimal", server.address.port as number);
