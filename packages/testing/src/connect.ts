import type { Handler } from "@scallion/core";
import type { TestClient } from "./client.js";
import type { ClientOptions } from "./_client-options.js";
import type { TestServer, TestServerOptions } from "./test-server.js";
import { testServer } from "./test-server.js";

/** Options of {@link connect}: the client's options and, for its own server, the server's. */
export interface ConnectOptions extends ClientOptions, Omit<TestServerOptions, "timeout"> {}

/**
 * Connects one test client to `app`, served for it alone: in memory by default, or over a real
 * socket on 127.0.0.1 with `transport: "ws"`. Resolves once the handshake is accepted (a close
 * before accept resolves too, and `closed` gives its code); rejects with a `HandshakeError`
 * carrying `status` and `body` when the handshake is refused. The server is shut down once the
 * connection has ended, so `await client.close()` also means every hook has run.
 *
 * @example
 * await using client = await connect(app, "/chat/general", { subprotocols: ["chat.v1"] });
 * client.sendJson({ text: "hi" });
 * expect(await client.receiveJson()).toEqual({ from: "me", text: "hi" });
 * await expect(connect(app, "/nope")).rejects.toMatchObject({ status: 404 });
 */
export async function connect(app: Handler, path = "/", options: ConnectOptions = {}): Promise<TestClient> {
  const { headers, subprotocols, origin, timeout, autoPong, ...serverOptions } = options;
  const server = testServer(app, { ...serverOptions, timeout });
  let client: TestClient;
  try {
    client = await server.connect(path, { headers, subprotocols, origin, autoPong });
  } catch (error) {
    await shutdown(server);
    throw error;
  }
  const done = client.closed.then(() => shutdown(server));
  done.catch(() => {});
  const settled = async <T>(result: Promise<T>): Promise<T> => {
    const value = await result;
    await done;
    return value;
  };
  return {
    subprotocol: client.subprotocol,
    headers: client.headers,
    closed: client.closed,
    get pending() {
      return client.pending;
    },
    send: client.send,
    sendJson: client.sendJson,
    receive: client.receive,
    receiveJson: client.receiveJson,
    close: (code, reason) => settled(client.close(code, reason)),
    terminate: () => settled(client.terminate()),
    pause: client.pause,
    resume: client.resume,
    [Symbol.asyncDispose]: async () => {
      await client[Symbol.asyncDispose]();
      await done;
    },
  };
}

/**
 * Shuts the one-client server down once its connection has ended on the server's side too: `ws`
 * may report a close to the client first, and a shutdown then would close it as "shutdown".
 */
async function shutdown(server: TestServer): Promise<void> {
  await server.idle();
  await server.close();
}
