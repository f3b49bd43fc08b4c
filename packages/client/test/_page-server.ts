import { readFile } from "node:fs/promises";
import type { Server as HttpServer } from "node:http";
import { createServer } from "node:http";
import type { Endpoint, Handler } from "@scallion/core";
import { attach, publish, subscribe } from "@scallion/core";
import { clientScriptHandler } from "../src/serve.js";

/**
 * A tiny chat over node:http + `attach`, the shape examples/chat will have: `/` serves the test
 * page, `/scallion-client.js` the client's browser build, `/chat/:room?name=` the WebSocket.
 * It can stop and start again on the same port, to restart under open pages.
 */
export class PageServer {
  port = 0;
  /** Every chat line the server received, as `name: text`, in order, across restarts. */
  readonly said: string[] = [];
  #http: HttpServer | undefined;
  #endpoint: Endpoint | undefined;

  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    const page = await readFile(new URL("./fixtures/chat.html", import.meta.url), "utf8");
    const scripts = clientScriptHandler();
    const http = createServer((req, res) => {
      if (scripts(req, res)) return;
      if (req.url === "/" || req.url?.startsWith("/?")) {
        res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" }).end(page);
      } else res.writeHead(404).end();
    });
    const endpoint = attach(this.#chat(() => endpoint), http);
    await new Promise<void>((resolve) => http.listen(this.port, "127.0.0.1", resolve));
    this.port = (http.address() as { port: number }).port;
    this.#http = http;
    this.#endpoint = endpoint;
    return this;
  }

  async stop(): Promise<void> {
    const http = this.#http;
    this.#http = undefined;
    if (http === undefined) return;
    await this.#endpoint?.close({ timeout: 500 });
    const closed = new Promise((resolve) => http.close(resolve));
    http.closeAllConnections();
    await closed;
  }

  #chat(endpoint: () => Endpoint): Handler {
    const said = this.said;
    return async function* chat(scope, receiver) {
      const room = `room:${decodeURIComponent(scope.path.split("?")[0]!.slice("/chat/".length))}`;
      const name = scope.query.name ?? "anonymous";
      const members = async () => endpoint().count(room);
      yield subscribe(room);
      yield publish(room, JSON.stringify({ type: "joined", name, members: await members() }));
      try {
        for await (const message of receiver) {
          const { text } = JSON.parse(message as string) as { text: string };
          said.push(`${name}: ${text}`);
          yield publish(room, JSON.stringify({ type: "said", from: name, text }));
        }
      } finally {
        // The connection is gone: publish through the endpoint, not this generator.
        members()
          .then((count) => endpoint().publish(room, JSON.stringify({ type: "left", name, members: count })))
          .catch(() => {}); // the server is shutting down
      }
    };
  }
}
