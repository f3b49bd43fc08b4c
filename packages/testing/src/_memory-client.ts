import { randomBytes } from "node:crypto";
import type { Runtime } from "@scallion/core/transport";
import type { TestClient } from "./client.js";
import { ClientState } from "./client.js";
import type { ClientOptions } from "./_client-options.js";
import { checkSubprotocols } from "./_client-options.js";
import { HandshakeError, SubprotocolError, TestTimeoutError } from "./errors.js";
import { createMemoryUpgrade } from "./memory-transport.js";

/** Opens a memory connection to `runtime`, with the request headers the `ws` client would send. */
export function connectMemory(
  runtime: Runtime,
  path: string,
  options: ClientOptions & { timeout: number; maxPayload?: number | undefined },
  settle: (response: Readonly<Record<string, string>>) => Promise<void>,
): Promise<TestClient> {
  const { headers = {}, subprotocols = [], origin, timeout, autoPong, maxPayload } = options;
  checkSubprotocols(subprotocols);
  const request: Record<string, string> = {
    host: "localhost",
    connection: "Upgrade",
    upgrade: "websocket",
    "sec-websocket-version": "13",
    "sec-websocket-key": randomBytes(16).toString("base64"),
  };
  if (subprotocols.length > 0) request["sec-websocket-protocol"] = subprotocols.join(",");
  if (origin !== undefined) request.origin = origin;
  for (const [name, value] of Object.entries(headers)) request[name.toLowerCase()] = value;
  const state = new ClientState(timeout);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      peer.terminate();
      reject(new TestTimeoutError("connect", timeout, `no answer to the handshake for ${path}`));
    }, timeout);
    const { pending, peer } = createMemoryUpgrade(
      { url: path, headers: request },
      {
        open: (response) => {
          clearTimeout(timer);
          if (subprotocols.length > 0 && response.subprotocol === "") {
            peer.terminate();
            reject(new SubprotocolError(subprotocols));
            return;
          }
          resolve(state.open(peer, response.subprotocol, response.headers, () => settle(response.headers)));
        },
        rejected: (response) => {
          clearTimeout(timer);
          reject(new HandshakeError(response));
        },
        message: (data) => state.deliver(data),
        closed: (code, reason) => state.end(code, reason),
      },
      { maxPayload, autoPong },
    );
    runtime.handle(pending);
  });
}
