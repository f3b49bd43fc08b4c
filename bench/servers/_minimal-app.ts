import { publish, send, subscribe } from "@scallion/core";
import { router } from "@scallion/middleware";

/** The least a Scallion app can be: the router, echo on /echo, and a room on /room. */
export const minimalApp = router({
  "/echo": async function* echo(_scope, receiver) {
    for await (const message of receiver) yield send(message);
  },
  "/room": async function* room(_scope, receiver) {
    yield subscribe("room");
    for await (const message of receiver) yield publish("room", message);
  },
});
