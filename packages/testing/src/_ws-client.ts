import type { IncomingHttpHeaders } from "node:http";
import { WebSocket } from "ws";
import type { TestClient } from "./client.js";
import { ClientState } from "./client.js";
import type { ClientOptions } from "./_client-options.js";
import { checkSubprotocols } from "./_client-options.js";
import { HandshakeError, SubprotocolError, TestTimeoutError } from "./errors.js";

/** Opens a real WebSocket to `url` with the `ws` client, behind the same client API. */
export function connectWs(
  url: string,
  options: ClientOptions & { timeout: number },
  settle: (response: Readonly<Record<string, string>>) => Promise<void>,
): Promise<TestClient> {
  const { headers = {}, subprotocols = [], origin, timeout, autoPong = true } = options;
  checkSubprotocols(subprotocols);
  const state = new ClientState(timeout);
  const ws = new WebSocket(url, subprotocols, { headers, origin, autoPong, perMessageDeflate: false });
  let response: Record<string, string> = {};
  ws.on("message", (data: Buffer, isBinary) => state.deliver(isBinary ? data : data.toString()));
  ws.on("close", (code, reason) => state.end(code, reason.toString()));
  ws.on("upgrade", (res) => (response = flatten(res.headers)));
  return new Promise((resolve, reject) => {
    const fail = (error: Error): void => {
      clearTimeout(timer);
      reject(error);
    };
    const timer = setTimeout(() => {
      ws.terminate();
      fail(new TestTimeoutError("connect", timeout, `no answer to the handshake for ${url}`));
    }, timeout);
    ws.once("open", () => {
      clearTimeout(timer);
      resolve(
        state.open(
          {
            send: (data) => ws.send(data),
            close: (code, reason) => ws.close(code, reason),
            terminate: () => ws.terminate(),
            pause: () => ws.pause(),
            resume: () => ws.resume(),
          },
          ws.protocol,
          response,
          () => settle(response),
        ),
      );
    });
    ws.once("unexpected-response", (_req, res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => {
        ws.terminate();
        fail(
          new HandshakeError({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString(),
            headers: flatten(res.headers),
          }),
        );
      });
    });
    ws.on("error", (error) => {
      if (ws.readyState === WebSocket.OPEN) return;
      fail(error.message === "Server sent no subprotocol" ? new SubprotocolError(subprotocols) : error);
    });
  });
}

function flatten(headers: IncomingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return flat;
}
