import { afterEach } from "vitest";
import type { Handler, Message, Server, ServeOptions } from "@scallion/core";
import { serve } from "@scallion/core";

/** A Scallion server on a loopback port that can be stopped and started again on the same port. */
export class RestartableServer {
  readonly app: Handler;
  options: ServeOptions;
  port = 0;
  /** Connections accepted so far, across restarts. */
  connections = 0;
  #server: Server | undefined;

  constructor(app: Handler, options: ServeOptions = {}) {
    this.app = app;
    this.options = options;
  }

  get url(): string {
    return `ws://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.#server !== undefined;
  }

  async start(): Promise<this> {
    const counted: Handler = (scope, receiver) => {
      this.connections++;
      return this.app(scope, receiver);
    };
    this.#server = await serve(counted, { logger: false, ...this.options, port: this.port });
    this.port = this.#server.address.port!;
    return this;
  }

  /** Publishes to `topic` from this server, as `server.publish` does. */
  publish(topic: string, data: Message): Promise<unknown> {
    if (this.#server === undefined) throw new Error("the server is stopped");
    return this.#server.publish(topic, data);
  }

  /** Closes every connection with 1001 (going away) and stops listening. */
  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    await server?.close({ timeout: 500 });
  }
}

const running: RestartableServer[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.stop()));
});

/** Starts `app` on an ephemeral loopback port for one test (with `options`, as for `serve()`); stopped after it. */
export async function startServer(app: Handler, options?: ServeOptions): Promise<RestartableServer> {
  const server = new RestartableServer(app, options);
  running.push(server);
  return server.start();
}

/** An app that echoes every message and records what it received, in order, across connections. */
export function recordingEcho(): { app: Handler; received: Message[] } {
  const received: Message[] = [];
  const app: Handler = async function* echo(_scope, receiver) {
    for await (const message of receiver) {
      received.push(message);
      yield { type: "websocket.send", ...(typeof message === "string" ? { text: message } : { bytes: message }) };
    }
  };
  return { app, received };
}
