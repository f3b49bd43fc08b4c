import { createServer } from "node:http";
import type { IncomingMessage, Server as HttpServer, ServerResponse } from "node:http";
import type { Endpoint, PubSub, UpgradeOptions } from "@scallion/core";
import { clientScriptHandler } from "@scallion/client/serve";
import { attach } from "@scallion/core";
import type { Secret } from "@scallion/middleware";
import { createChat } from "./chat.js";
import { MAX_PAYLOAD } from "./limits.js";
import { PAGE } from "./page.js";

export interface ChatServerOptions extends Omit<UpgradeOptions, "pubsub"> {
  pubsub: PubSub;
  sessionSecret?: Secret;
}

/** The browser build of @scallion/client, which the page imports from `/scallion-client.js`. */
const scripts: (req: IncomingMessage, res: ServerResponse) => boolean = clientScriptHandler();

/** The chat on one port: the page at `/`, WebSockets at `/chat/:room`; `maxPayload` is {@link MAX_PAYLOAD} unless given. */
export function createChatServer({ pubsub, sessionSecret, maxPayload = MAX_PAYLOAD, ...options }: ChatServerOptions): {
  http: HttpServer;
  endpoint: Endpoint;
} {
  const http = createServer((req, res) => {
    if (req.method === "GET" && (req.url === "/" || req.url?.startsWith("/?"))) {
      res.writeHead(200, { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-cache" });
      res.end(PAGE);
      return;
    }
    if (scripts(req, res)) return;
    res.writeHead(404, { "Content-Type": "text/plain; charset=utf-8" }).end("Not Found\n");
  });
  const endpoint = attach(createChat({ pubsub, sessionSecret }), http, { ...options, maxPayload, pubsub });
  return { http, endpoint };
}
