import { isSendableCloseCode, MAX_CLOSE_REASON_BYTES } from "@scallion/core/transport";
import { ConnectionClosedError, TestTimeoutError } from "./errors.js";
import type { MemoryPeer } from "./memory-transport.js";

/** A message as the test client receives it: text as a string, binary as a `Buffer`. */
export type ClientMessage = string | Buffer;

/** How a connection ended, as the client saw it. */
export interface CloseResult {
  /** The code of the close frame the client received; 1005 without a code, 1006 on a drop. */
  readonly code: number;
  readonly reason: string;
}

/** Which way the harness carries a connection: in memory, or over a real socket on 127.0.0.1. */
export type TransportName = "memory" | "ws";

/** The test client's API, the same over both transports. */
export interface TestClient extends AsyncDisposable {
  /** The subprotocol the server chose, "" for none. */
  readonly subprotocol: string;
  /** Headers of the 101 response, names lower-cased. */
  readonly headers: Readonly<Record<string, string>>;
  /** Settles once the connection is closed on the client's side; never rejects. */
  readonly closed: Promise<CloseResult>;
  /** Messages received and not yet taken by `receive()`. */
  readonly pending: number;
  /** Sends a text (string) or binary (bytes) message. Ignored once the connection is closing. */
  send(data: string | Uint8Array | ArrayBuffer): void;
  /** Sends `JSON.stringify(value)` as text. */
  sendJson(value: unknown): void;
  /**
   * The next message, in order. Rejects with a {@link TestTimeoutError} after `timeout` ms (the
   * client's default, 2 s unless set), or a {@link ConnectionClosedError} once the connection has
   * closed with nothing left to read.
   */
  receive(options?: { timeout?: number }): Promise<ClientMessage>;
  /** The next message, which must be text, parsed as JSON. */
  receiveJson<T = unknown>(options?: { timeout?: number }): Promise<T>;
  /**
   * Starts the closing handshake (no code: the server sees 1005) and resolves once the connection
   * is closed. For a client from `connect(app, …)`, also once the server side has ended and its
   * hooks have run.
   */
  close(code?: number, reason?: string): Promise<CloseResult>;
  /** Drops the connection without a closing handshake: the server sees 1006. */
  terminate(): Promise<CloseResult>;
  /** Stops reading from the server (its sends then back up), until `resume()`. */
  pause(): void;
  resume(): void;
}

/** What a transport does for the client: a memory peer's methods, which the `ws` client has too. */
export type ClientLink = MemoryPeer;

interface Waiter {
  resolve(message: ClientMessage): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

/**
 * The client-side state both transports feed: an inbox of messages, the waiters of `receive()`,
 * and the close result. Created before the handshake so nothing that arrives is lost.
 */
export class ClientState {
  readonly closed: Promise<CloseResult>;
  readonly #timeout: number;
  #inbox: ClientMessage[] = [];
  #waiters: Waiter[] = [];
  #received = 0;
  #result: CloseResult | undefined;
  #resolveClosed!: (result: CloseResult) => void;

  constructor(timeout: number) {
    this.#timeout = timeout;
    this.closed = new Promise((resolve) => (this.#resolveClosed = resolve));
  }

  deliver(message: ClientMessage): void {
    this.#received++;
    const waiter = this.#waiters.shift();
    if (waiter === undefined) {
      this.#inbox.push(message);
      return;
    }
    clearTimeout(waiter.timer);
    waiter.resolve(message);
  }

  end(code: number, reason: string): void {
    if (this.#result !== undefined) return;
    this.#result = { code, reason };
    for (const waiter of this.#waiters.splice(0)) {
      clearTimeout(waiter.timer);
      waiter.reject(new ConnectionClosedError(code, reason));
    }
    this.#resolveClosed(this.#result);
  }

  /** The client object over an open connection; `settle` runs after the close (server shutdown). */
  open(
    link: ClientLink,
    subprotocol: string,
    headers: Readonly<Record<string, string>>,
    settle: () => Promise<void> = async () => {},
  ): TestClient {
    const inbox = this.#inbox;
    let settled: Promise<CloseResult> | undefined;
    const finish = (): Promise<CloseResult> =>
      (settled ??= this.closed.then(async (result) => {
        await settle();
        return result;
      }));
    return {
      subprotocol,
      headers,
      closed: this.closed,
      get pending() {
        return inbox.length;
      },
      send: (data) => link.send(data instanceof ArrayBuffer ? new Uint8Array(data) : data),
      sendJson: (value) => link.send(JSON.stringify(value)),
      receive: (options) => this.#receive(options?.timeout ?? this.#timeout),
      receiveJson: async <T>(options?: { timeout?: number }) => {
        const message = await this.#receive(options?.timeout ?? this.#timeout);
        if (typeof message !== "string") throw new TypeError("receiveJson(): got a binary message, expected JSON text");
        return JSON.parse(message) as T;
      },
      close: (code, reason) => {
        checkClose(code, reason);
        link.close(code, reason);
        return finish();
      },
      terminate: () => {
        link.terminate();
        return finish();
      },
      pause: () => link.pause(),
      resume: () => link.resume(),
      [Symbol.asyncDispose]: async () => {
        link.close();
        await finish();
      },
    };
  }

  #receive(timeout: number): Promise<ClientMessage> {
    if (this.#inbox.length > 0) return Promise.resolve(this.#inbox.shift() as ClientMessage);
    const result = this.#result;
    if (result !== undefined) return Promise.reject(new ConnectionClosedError(result.code, result.reason));
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        timer: setTimeout(() => {
          this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
          reject(
            new TestTimeoutError("receive", timeout, `no message arrived (${this.#received} received before)`),
          );
        }, timeout),
      };
      this.#waiters.push(waiter);
    });
  }
}

/** The checks `ws` makes on a client's close(), so both transports throw the same way. */
function checkClose(code: number | undefined, reason: string | undefined): void {
  if (code !== undefined && !isSendableCloseCode(code)) {
    throw new RangeError(`close(): code ${String(code)} is not allowed: use 1000–1003, 1007–1014 or 3000–4999`);
  }
  if (reason !== undefined && reason !== "" && code === undefined) {
    throw new TypeError("close(): a reason needs a code");
  }
  if (reason !== undefined && Buffer.byteLength(reason) > MAX_CLOSE_REASON_BYTES) {
    throw new RangeError(`close(): the reason is over ${MAX_CLOSE_REASON_BYTES} UTF-8 bytes`);
  }
}
