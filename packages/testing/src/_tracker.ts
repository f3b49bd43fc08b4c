import { createHash } from "node:crypto";
import type { Handler } from "@scallion/core";
import { lifecycleOf } from "@scallion/core";

const GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

/**
 * Follows the server side's connections from the handler's start to the end of its last hook, so
 * the harness can wait until a connection has really finished (`ws` may report the client's close
 * before the server's, and hooks run after both). A client finds its connection by the
 * `Sec-WebSocket-Accept` of its 101, which the server derives from the request's key.
 */
export class Tracker {
  #live = 0;
  #idle: (() => void)[] = [];
  readonly #ending = new Map<string, { ended: Promise<void>; resolve: () => void }>();

  /** Wraps `app` outermost: its end listener registers first, so it runs after every user hook. */
  wrap(app: Handler): Handler {
    const tracked: Handler = (scope, receiver) => {
      const lifecycle = lifecycleOf(scope);
      const key = scope.headers["sec-websocket-key"];
      const accept = key === undefined ? undefined : createHash("sha1").update(key + GUID).digest("base64");
      let resolve!: () => void;
      const ended = new Promise<void>((r) => (resolve = r));
      if (accept !== undefined) this.#ending.set(accept, { ended, resolve });
      this.#live++;
      lifecycle.add({
        close: () => {
          if (accept !== undefined) this.#ending.delete(accept);
          resolve();
          this.#ended();
        },
      });
      return app(scope, receiver);
    };
    return tracked;
  }

  /** Resolves once the connection whose 101 carried `accept` has ended and its hooks have run. */
  ended(accept: string | undefined): Promise<void> {
    return (accept === undefined ? undefined : this.#ending.get(accept)?.ended) ?? Promise.resolve();
  }

  /** Connections whose handler started and whose hooks have not all run. */
  get live(): number {
    return this.#live;
  }

  /** Resolves once no connection is live. */
  idle(): Promise<void> {
    if (this.#live === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  #ended(): void {
    if (--this.#live > 0) return;
    for (const resolve of this.#idle.splice(0)) resolve();
  }
}
