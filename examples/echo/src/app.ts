import type { Handler } from "@scallion/core";
import { close, reject, send, websocket } from "@scallion/core";

/** `/echo`: every message goes back unchanged, text as text and binary as binary, in order. */
export const echo = websocket(async function* echo(_scope, receiver) {
  for await (const message of receiver) yield send(message);
});

/** `/shout`: shallot's echo. Replies `@ECHO: <message>`; after `exit`, says bye and closes with 1001. */
export const shout = websocket(async function* shout(_scope, receiver) {
  for await (const message of receiver) {
    const text = typeof message === "string" ? message : Buffer.from(message).toString();
    yield send(`@ECHO: ${text}`);
    if (text === "exit") {
      yield send("bye");
      yield close(1001, "bye");
    }
  }
});

const notFound: Handler = async function* notFound() {
  yield reject(404, "Not Found");
};

const routes: Readonly<Record<string, Handler>> = { "/echo": echo, "/shout": shout };

/** Routes by path; any other path gets HTTP 404 without an upgrade. */
export const app: Handler = (scope, receiver) => (routes[scope.path] ?? notFound)(scope, receiver);
