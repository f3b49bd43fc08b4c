import { createHash, randomBytes } from "node:crypto";
import type { AcceptOptions, PendingUpgrade, RequestInfo, SocketEvents, TransportSocket } from "@scallion/core/transport";
import type { HandshakeResponse } from "./errors.js";
import { Pipe } from "./_pipe.js";
import type { Frame } from "./_pipe.js";

/** The upgrade request a memory client makes. */
export interface MemoryRequest {
  /** Path and query string, e.g. `/chat?room=1`. */
  readonly url: string;
  /** Request headers; names are lower-cased as Node's HTTP server does. */
  readonly headers?: Readonly<Record<string, string>>;
  /** The client's address as the server sees it. Default "127.0.0.1". */
  readonly address?: string;
}

/** Options of a memory connection: the limits the `ws` adapter applies. */
export interface MemoryTransportOptions {
  /** Largest client message accepted, in bytes; a larger one closes with 1009. Default 1 MiB. */
  readonly maxPayload?: number;
  /** Whether the client answers pings, as `ws` and browsers do. Default true. */
  readonly autoPong?: boolean;
}

/** The 101 response a memory client gets. */
export interface OpenResponse {
  /** The subprotocol the server chose, "" for none. */
  readonly subprotocol: string;
  /** Response headers, names lower-cased. */
  readonly headers: Readonly<Record<string, string>>;
}

/** What the client end of a memory connection hears, always asynchronously and in order. */
export interface MemoryPeerEvents {
  open(response: OpenResponse): void;
  rejected(response: HandshakeResponse): void;
  /** Text arrives as a string, binary as a fresh `Buffer`. */
  message(data: string | Buffer): void;
  /** The connection is gone: the server's close code, 1005 without one, 1006 on a drop. */
  closed(code: number, reason: string): void;
}

/** The client end of a memory connection. */
export interface MemoryPeer {
  /** Sends a message; bytes are copied at once. Ignored unless open. */
  send(data: string | Uint8Array): void;
  /** Starts the closing handshake (before the 101: abandons the request). */
  close(code?: number, reason?: string): void;
  /** Drops the connection without a closing handshake: the server sees 1006. */
  terminate(): void;
  /** Stops reading what the server sends: its `bufferedAmount` grows, as over a stalled TCP socket. */
  pause(): void;
  resume(): void;
}

const LONE_SURROGATE = /\p{Cs}/u;
const GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

type State = "connecting" | "open" | "rejected" | "aborted" | "closed";

/** One end of a connection, in its closing handshake. */
interface End {
  sentClose: boolean;
  /** The close frame it received, once it has. */
  got: { code: number; reason: string } | undefined;
  /** Where its frames go. */
  readonly out: Pipe;
}

/**
 * One connection of the memory transport: a {@link PendingUpgrade} to hand to `runtime.handle()`
 * and the client {@link MemoryPeer} wired to it. Frames travel through two in-memory pipes with
 * the `ws` rules: delivered in order on a later microtask (never inside `send`), bytes copied,
 * text as strings, a closing handshake whose code each side reports as the one it received
 * (1005 without a code, 1006 on a drop), pause() stopping the reads in each direction.
 *
 * @example
 * const { pending, peer } = createMemoryUpgrade({ url: "/echo" }, events);
 * runtime.handle(pending);
 */
export function createMemoryUpgrade(
  request: MemoryRequest,
  events: MemoryPeerEvents,
  options: MemoryTransportOptions = {},
): { pending: PendingUpgrade; peer: MemoryPeer } {
  const connection = new MemoryConnection(request, events, options);
  return { pending: connection.pending, peer: connection.peer };
}

class MemoryConnection {
  readonly pending: PendingUpgrade;
  readonly peer: MemoryPeer;
  readonly #peerEvents: MemoryPeerEvents;
  readonly #maxPayload: number;
  readonly #autoPong: boolean;
  readonly #key: string;
  #state: State = "connecting";
  #server: SocketEvents | undefined;
  #onAbort: (() => void) | undefined;
  /** Server to client. */
  readonly #down = new Pipe((frame) => this.#toClient(frame));
  /** Client to server. */
  readonly #up = new Pipe((frame) => this.#toServer(frame));
  /** Each end's closing handshake: the server's frames go down, the client's up. */
  readonly #serverEnd: End = { sentClose: false, got: undefined, out: this.#down };
  readonly #clientEnd: End = { sentClose: false, got: undefined, out: this.#up };
  /** False once the server stopped reading for good after a protocol error. */
  #serverReading = true;

  constructor(request: MemoryRequest, events: MemoryPeerEvents, options: MemoryTransportOptions) {
    this.#peerEvents = events;
    this.#maxPayload = options.maxPayload ?? 1024 * 1024;
    this.#autoPong = options.autoPong ?? true;
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers ?? {})) headers[name.toLowerCase()] = value;
    this.#key = headers["sec-websocket-key"] ??= randomBytes(16).toString("base64");
    const info: RequestInfo = { url: request.url, headers, address: request.address ?? "127.0.0.1" };
    this.pending = {
      request: info,
      accept: (accepted, socketEvents) => this.#accept(accepted, socketEvents),
      reject: (status, body, responseHeaders) => this.#reject(status, body, responseHeaders),
      onAbort: (listener) => (this.#onAbort = listener),
    };
    this.peer = {
      send: (data) => {
        if (this.#state !== "open" || this.#clientEnd.sentClose) return;
        this.#up.push(message(data));
      },
      close: (code, reason = "") => {
        if (this.#state === "connecting") return this.#abort();
        if (this.#state !== "open" || this.#clientEnd.sentClose) return;
        this.#clientEnd.sentClose = true;
        this.#up.push({ kind: "close", code, reason });
      },
      terminate: () => (this.#state === "connecting" ? this.#abort() : this.#drop()),
      pause: () => this.#down.pause(),
      resume: () => this.#down.resume(),
    };
  }

  #accept(options: AcceptOptions, events: SocketEvents): TransportSocket | undefined {
    if (this.#state !== "connecting") return undefined;
    this.#state = "open";
    this.#server = events;
    const headers: Record<string, string> = {
      upgrade: "websocket",
      connection: "Upgrade",
      "sec-websocket-accept": createHash("sha1").update(this.#key + GUID).digest("base64"),
    };
    if (options.subprotocol !== undefined) headers["sec-websocket-protocol"] = options.subprotocol;
    for (const [name, value] of Object.entries(options.headers ?? {})) headers[name.toLowerCase()] = value;
    this.#down.push({ kind: "open", subprotocol: options.subprotocol ?? "", headers });
    return this.#socket();
  }

  #reject(status: number, body: string, headers: Readonly<Record<string, string>>): void {
    if (this.#state !== "connecting") return;
    this.#state = "rejected";
    const lower: Record<string, string> = { "content-type": "text/plain; charset=utf-8" };
    for (const [name, value] of Object.entries(headers)) lower[name.toLowerCase()] = value;
    queueMicrotask(() => this.#peerEvents.rejected({ status, body, headers: lower }));
  }

  /** The client gave up before the handshake was decided. */
  #abort(): void {
    if (this.#state !== "connecting") return;
    this.#state = "aborted";
    const listener = this.#onAbort;
    if (listener !== undefined) queueMicrotask(listener);
  }

  #socket(): TransportSocket {
    const down = this.#down;
    return {
      get bufferedAmount() {
        return down.bufferedAmount;
      },
      send: (data, done) => {
        if (this.#state !== "open" || this.#serverEnd.sentClose) {
          // As `ws` does for a send on a closing socket: the callback gets an error, later.
          if (done) queueMicrotask(() => done(new Error("WebSocket is not open")));
          return;
        }
        down.push({ ...message(data), done });
      },
      close: (code, reason) => this.#serverClose(code, reason),
      terminate: () => this.#drop(),
      pause: () => {
        if (this.#serverReading) this.#up.pause();
      },
      resume: () => {
        if (this.#serverReading) this.#up.resume();
      },
      ping: () => {
        if (this.#state === "open" && !this.#serverEnd.sentClose) down.push({ kind: "ping" });
      },
    };
  }

  #serverClose(code: number | undefined, reason: string): void {
    if (this.#state !== "open" || this.#serverEnd.sentClose) return;
    this.#serverEnd.sentClose = true;
    this.#down.push({ kind: "close", code, reason });
  }

  /** Delivers one frame from the server to the client. */
  #toClient(frame: Frame): void {
    switch (frame.kind) {
      case "open":
        this.#peerEvents.open({ subprotocol: frame.subprotocol, headers: frame.headers });
        return;
      case "message":
        this.#peerEvents.message(frame.data);
        return;
      case "ping":
        if (this.#autoPong && !this.#clientEnd.sentClose) this.#up.push({ kind: "pong" });
        return;
      case "pong":
        return;
      case "close":
        this.#closeFrame(this.#clientEnd, frame);
        return;
    }
  }

  /** Delivers one frame from the client to the server. */
  #toServer(frame: Frame): void {
    const server = this.#server;
    if (server === undefined || !this.#serverReading) return;
    switch (frame.kind) {
      case "message":
        if (frame.size > this.#maxPayload) {
          // As the `ws` transport: reading stops, the error is reported, and the runtime closes
          // with 1009 once the handler has answered what came before.
          this.#serverReading = false;
          this.#up.pause();
          server.protocolError(new RangeError("Max payload size exceeded"), 1009);
          return;
        }
        server.message(frame.data);
        return;
      case "pong":
        server.pong();
        return;
      case "ping":
      case "open":
        return;
      case "close":
        this.#closeFrame(this.#serverEnd, frame);
        return;
    }
  }

  /** A close frame reached `end`: it keeps the code and, unless it closed first, echoes code and reason, as `ws` does. */
  #closeFrame(end: End, frame: Frame & { kind: "close" }): void {
    end.got = { code: frame.code ?? 1005, reason: frame.reason };
    if (!end.sentClose) {
      end.sentClose = true;
      end.out.push({ kind: "close", code: frame.code, reason: frame.reason });
    }
    this.#settle();
  }

  /** The connection is over once both close frames arrived, or the server no longer reads. */
  #settle(): void {
    if (this.#clientEnd.got !== undefined && (this.#serverEnd.got !== undefined || !this.#serverReading)) this.#finish();
  }

  #drop(): void {
    if (this.#state !== "open") return;
    this.#down.clear();
    this.#up.clear();
    // Like a destroyed socket, the end is reported on a later tick, not inside terminate().
    queueMicrotask(() => this.#finish());
  }

  #finish(): void {
    if (this.#state !== "open") return;
    this.#state = "closed";
    this.#down.clear();
    this.#up.clear();
    const server = this.#serverEnd.got ?? { code: 1006, reason: "" };
    const client = this.#clientEnd.got ?? { code: 1006, reason: "" };
    this.#server?.closed(server.code, server.reason);
    this.#peerEvents.closed(client.code, client.reason);
  }
}

/** A message frame with its own copy of the data, as `ws` delivers it: text as string, bytes as Buffer. */
function message(data: string | Uint8Array): Extract<Frame, { kind: "message" }> {
  if (typeof data === "string") {
    // Text crosses the wire as UTF-8: a lone surrogate arrives as U+FFFD, as over a socket.
    const text = LONE_SURROGATE.test(data) ? Buffer.from(data).toString() : data;
    return { kind: "message", data: text, size: Buffer.byteLength(text) };
  }
  const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return { kind: "message", data: Buffer.from(bytes), size: bytes.length };
}
