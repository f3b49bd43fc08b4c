import type { Server as NetServer, Socket } from "node:net";
import type { IncomingMessage } from "node:http";
import { AddressLimit } from "./address-limit.js";
import { writeHttpResponse } from "./http-response.js";
import type { Counters } from "./stats.js";

/** What a {@link SocketGuard} enforces on every TCP connection of the servers it watches. */
export interface SocketGuardOptions {
  /** Milliseconds from the TCP connection to a complete request (or upgrade) head. */
  readonly headersTimeout: number;
  /** TCP connections one peer address may hold, or null for no bound. */
  readonly maxPerAddress: number | null;
  /** Where refusals are counted: `rejected[429]` and `rejected[408]`. */
  readonly counters: Counters;
}

/**
 * Events that end a socket's wait for its request head. The last three are only listened to
 * when the server already has a listener: adding the first one changes what Node does.
 */
const HEAD_EVENTS = ["request", "upgrade", "connect", "checkContinue", "checkExpectation"] as const;
const IF_LISTENED = new Set<string>(["connect", "checkContinue", "checkExpectation"]);

/**
 * Protects an HTTP server from its TCP connections on, whoever created it: one peer address holds
 * at most `maxPerAddress` sockets (one more is answered 429 and closed), and a socket that has
 * not sent a complete request head within `headersTimeout` is answered 408 and closed, so
 * trickled headers cannot hold file descriptors. One timer sweeps every watched server.
 */
export class SocketGuard {
  readonly #options: SocketGuardOptions;
  readonly #perAddress: AddressLimit;
  /** Sockets waiting for their request head, oldest first, with their deadlines. */
  readonly #waiting = new Map<Socket, number>();
  readonly #servers = new Map<NetServer, readonly string[]>();
  /** One function for every socket's `close`: `this` is the socket, whose address Node keeps. */
  readonly #onClose: (this: Socket) => void;
  #sweeper: NodeJS.Timeout | undefined;

  constructor(options: SocketGuardOptions) {
    this.#options = options;
    const perAddress = (this.#perAddress = new AddressLimit(options.maxPerAddress));
    const waiting = this.#waiting;
    this.#onClose = function (this: Socket): void {
      waiting.delete(this);
      perAddress.release(this.remoteAddress ?? "");
    };
  }

  /** Guards the connections `server` accepts from now on. Watching a server twice is a no-op. */
  watch(server: NetServer): void {
    if (this.#servers.has(server)) return;
    const events = HEAD_EVENTS.filter((name) => !IF_LISTENED.has(name) || server.listenerCount(name) > 0);
    this.#servers.set(server, events);
    server.on("connection", this.#onConnection);
    for (const name of events) server.on(name, this.#onHead);
    const period = Math.min(1_000, this.#options.headersTimeout / 2);
    this.#sweeper ??= setInterval(this.#sweep, period).unref();
  }

  /** Stops guarding every server; sockets already open are left to them. */
  unwatch(): void {
    for (const [server, events] of this.#servers) {
      server.off("connection", this.#onConnection);
      for (const name of events) server.off(name, this.#onHead);
    }
    this.#servers.clear();
    this.#waiting.clear();
    clearInterval(this.#sweeper);
    this.#sweeper = undefined;
  }

  readonly #onConnection = (socket: Socket): void => {
    if (this.#options.maxPerAddress !== null && !this.#perAddress.admit(socket.remoteAddress ?? "")) {
      this.#options.counters.rejectedWith(429);
      writeHttpResponse(socket, 429, "Too many connections from this address", {});
      return;
    }
    socket.on("close", this.#onClose);
    this.#waiting.set(socket, Date.now() + this.#options.headersTimeout);
  };

  /** Every one of {@link HEAD_EVENTS} has the request first. */
  readonly #onHead = (req: IncomingMessage): void => {
    this.#waiting.delete(req.socket);
  };

  readonly #sweep = (): void => {
    const now = Date.now();
    for (const [socket, deadline] of this.#waiting) {
      if (deadline > now) break;
      this.#waiting.delete(socket);
      this.#options.counters.rejectedWith(408);
      writeHttpResponse(socket, 408, "Request headers took too long", {});
    }
  };
}
