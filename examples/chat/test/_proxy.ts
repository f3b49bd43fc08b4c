import type { Server, Socket } from "node:net";
import { connect, createServer } from "node:net";

/**
 * A TCP proxy on loopback in front of a server, whose network can be cut: `cut()` drops every
 * connection through it and refuses new ones, as when a laptop loses its Wi-Fi; `restore()`
 * takes connections again on the same port. A page loaded through it talks to the server only
 * through it. (Chromium's offline emulation leaves open WebSockets alone, so it cannot cut them.)
 */
export class CuttableProxy {
  port = 0;
  readonly #target: number;
  readonly #sockets = new Set<Socket>();
  #server: Server | undefined;

  constructor(target: number) {
    this.#target = target;
  }

  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async restore(): Promise<this> {
    const server = createServer((client) => {
      const upstream = connect(this.#target, "127.0.0.1");
      for (const [from, to] of [[client, upstream], [upstream, client]] as const) {
        this.#sockets.add(from);
        from.pipe(to);
        from.on("error", () => to.destroy());
        from.on("close", () => (this.#sockets.delete(from), to.destroy()));
      }
    });
    await new Promise<void>((resolve) => server.listen(this.port, "127.0.0.1", resolve));
    this.port = (server.address() as { port: number }).port;
    this.#server = server;
    return this;
  }

  /** Drops every connection (a reset, no closing handshake) and refuses new ones until {@link restore}. */
  async cut(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    const closed = new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    for (const socket of this.#sockets) socket.resetAndDestroy();
    await closed;
  }
}
