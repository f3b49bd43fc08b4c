import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import type { WebSocket } from "ws";
import { WebSocketServer } from "ws";
import type { Message } from "../events.js";
import type { RequestInfo } from "../scope.js";
import { frame } from "../frame.js";
import type { Encoded } from "../frame.js";
import { writeHttpResponse } from "../http-response.js";
import type { AcceptOptions, PendingUpgrade, SocketEvents, TransportSocket } from "../transport.js";
import { closeNow, WiredWebSocket } from "./wired-websocket.js";

/** Options of the `ws` transport. */
export interface WsTransportOptions {
  /** Largest message accepted, in bytes; a larger one closes the connection with 1009. */
  readonly maxPayload: number;
  /** Per-message compression (RFC 7692). */
  readonly perMessageDeflate: boolean;
}

/**
 * The transport on the `ws` package. `ws` runs in `noServer` mode, so a request is only upgraded
 * once the handler chain has decided; until then the raw socket is held here.
 */
export class WsTransport {
  readonly #wss: WebSocketServer;
  /** The runtime's decision for the request being upgraded, read back by `ws` while it writes the 101. */
  readonly #accepting: Accepting = { current: undefined };

  constructor(options: WsTransportOptions) {
    this.#wss = new WebSocketServer({
      noServer: true,
      clientTracking: false,
      maxPayload: options.maxPayload,
      perMessageDeflate: options.perMessageDeflate,
      handleProtocols: () => this.#accepting.current?.subprotocol ?? false,
      WebSocket: WiredWebSocket,
    });
    this.#wss.on("headers", (headers) => {
      const extra = this.#accepting.current?.headers;
      if (extra) for (const [name, value] of Object.entries(extra)) headers.push(`${name}: ${value}`);
    });
  }

  /**
   * Checks an upgrade request and returns it pending, or answers it with a 4xx itself when it is
   * not a valid WebSocket handshake (so no handler ever runs for it).
   */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): PendingUpgrade | undefined {
    const problem = handshakeProblem(req);
    if (problem !== undefined) {
      socket.on("error", ignore);
      writeHttpResponse(socket, problem.status, problem.message, problem.headers ?? {});
      return undefined;
    }
    return new WsPendingUpgrade(this.#wss, this.#accepting, req, socket, head);
  }
}

/**
 * What the runtime decided for the request being upgraded now. `handleUpgrade` (without
 * `verifyClient`) reads it back synchronously, so one slot serves every request: cheaper than a
 * WeakMap entry made and deleted per handshake.
 */
interface Accepting {
  current: AcceptOptions | undefined;
}

class WsPendingUpgrade implements PendingUpgrade {
  readonly request: RequestInfo;
  readonly #wss: WebSocketServer;
  readonly #accepting: Accepting;
  readonly #req: IncomingMessage;
  readonly #socket: Duplex;
  readonly #head: Buffer;
  /** What the client sent before the handshake was decided (a valid client sends nothing). */
  #early: Buffer[] = [];
  #earlyBytes = 0;
  #aborted: (() => void) | undefined;
  #decided = false;
  /** Whether the listeners below are on the socket: only while a handshake waits to be decided. */
  #watching = false;
  // Listeners on the raw socket until the handshake is decided. Assigned in onAbort: as field
  // initializers, tsx (esbuild's keepNames) would give each a `name` of its own, which turns
  // every such function into a slow dictionary object.
  #onData: ((chunk: Buffer) => void) | undefined;
  /** The client half-closed before the handshake was decided: it has gone. */
  #onEnd: (() => void) | undefined;
  #onClose: (() => void) | undefined;

  constructor(
    wss: WebSocketServer,
    accepting: Accepting,
    req: IncomingMessage,
    socket: Duplex,
    head: Buffer,
  ) {
    this.#wss = wss;
    this.#accepting = accepting;
    this.#req = req;
    this.#socket = socket;
    this.#head = head;
    this.request = { url: req.url ?? "/", headers: req.headers, address: req.socket.remoteAddress ?? "" };
  }

  /**
   * The runtime asks only when the handshake was not decided at once: most are decided in the
   * tick the request came in, before the socket can report anything, and need no listeners.
   */
  onAbort(listener: () => void): void {
    this.#aborted = listener;
    if (this.#decided || this.#watching) return;
    this.#watching = true;
    const socket = this.#socket;
    this.#onData = (chunk) => {
      this.#early.push(chunk);
      this.#earlyBytes += chunk.length;
      if (this.#earlyBytes > MAX_EARLY_BYTES) socket.destroy();
    };
    this.#onEnd = () => socket.destroy();
    this.#onClose = () => {
      if (this.#decided) return;
      this.#decided = true;
      this.#aborted?.();
    };
    // Until the handshake is decided nobody else listens: a reset must not become an uncaught error.
    socket.on("error", ignore);
    socket.once("close", this.#onClose);
    // Read while deciding, or a client that gives up would go unnoticed until handshakeTimeout.
    socket.once("end", this.#onEnd);
    socket.on("data", this.#onData);
  }

  accept(options: AcceptOptions, events: SocketEvents): TransportSocket | undefined {
    if (!this.#settle()) return undefined;
    let ws: WebSocket | undefined;
    this.#accepting.current = options;
    try {
      // handleUpgrade writes the 101 and calls back synchronously, or destroys a socket whose
      // client has already gone without calling back.
      const head = this.#early.length === 0 ? this.#head : Buffer.concat([this.#head, ...this.#early]);
      this.#early = [];
      this.#wss.handleUpgrade(this.#req, this.#socket, head, (upgraded) => (ws = upgraded));
    } finally {
      this.#accepting.current = undefined;
    }
    if (ws === undefined) {
      // Destroyed without a 101: whatever the socket still reports is nobody's business.
      if (!this.#watching) this.#socket.on("error", ignore);
      return undefined;
    }
    // `ws` handles the socket's errors from here on.
    if (this.#watching) this.#socket.removeListener("error", ignore);
    return new WsSocket(ws, this.#socket, events);
  }

  reject(status: number, body: string, headers: Readonly<Record<string, string>>): void {
    if (!this.#settle()) return;
    // Nobody else listens to a refused socket: a reset must not become an uncaught error.
    if (!this.#watching) this.#socket.on("error", ignore);
    writeHttpResponse(this.#socket, status, body, headers);
  }

  #settle(): boolean {
    if (this.#decided) return false;
    this.#decided = true;
    if (this.#watching) {
      const socket = this.#socket;
      socket.removeListener("close", this.#onClose as () => void);
      socket.removeListener("end", this.#onEnd as () => void);
      // Still flowing: `ws` takes over the data events, or a rejected socket drains until it closes.
      socket.removeListener("data", this.#onData as (chunk: Buffer) => void);
    }
    return true;
  }
}

class WsSocket implements TransportSocket {
  readonly #ws: WebSocket;
  readonly #raw: Duplex & { bytesRead?: number; bytesWritten?: number };
  /**
   * Whether messages are written as whole frames straight to the socket: one write of one buffer
   * instead of `ws` framing each send into a header and a payload, and a published message framed
   * once for all subscribers. Only without extensions: a compressed message is `ws`'s to frame.
   * Writing to the socket `ws` writes to keeps the order of everything sent, pings and the close
   * frame included, and `bufferedAmount` counts it as before.
   */
  readonly #framed: boolean;

  constructor(ws: WebSocket, raw: Duplex, events: SocketEvents) {
    this.#ws = ws;
    this.#raw = raw;
    this.#framed = ws.extensions === "";
    (ws as WiredWebSocket).events = events;
  }

  get bufferedAmount(): number {
    return this.#ws.bufferedAmount;
  }

  get bytesRead(): number {
    return this.#raw.bytesRead ?? 0;
  }

  get bytesWritten(): number {
    return this.#raw.bytesWritten ?? 0;
  }

  send(data: Message, done?: (error?: Error | null) => void): void {
    if (this.#writesFrames()) this.#raw.write(frame(data), done);
    else this.#ws.send(data, done);
  }

  sendEncoded(message: Encoded): void {
    if (this.#writesFrames()) this.#raw.write(message.frame);
    // A Buffer sent with binary: false goes out as a text frame without being encoded again.
    else this.#ws.send(message.bytes, { binary: message.binary });
  }

  /** Frames go straight out only while the WebSocket is open: once closing, `ws` decides. */
  #writesFrames(): boolean {
    return this.#framed && this.#ws.readyState === OPEN;
  }

  close(code: number, reason: string): void {
    closeNow(this.#ws, code, reason);
  }

  terminate(): void {
    this.#ws.terminate();
  }

  pause(): void {
    this.#ws.pause();
  }

  resume(): void {
    this.#ws.resume();
  }

  ping(): void {
    if (this.#writesFrames()) this.#raw.write(PING);
    else this.#ws.ping();
  }
}

const OPEN = 1;
/** A ping without payload, the same two bytes for every connection. */
const PING = Buffer.from([0x89, 0x00]);
const KEY = /^[+/0-9A-Za-z]{22}==$/;
/** Bytes a client may send before the handshake is decided; it should send none. */
const MAX_EARLY_BYTES = 64 * 1024;
/** Browsers send about twenty headers; a handshake with more than this is refused with 431. */
const MAX_HEADERS = 100;
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

interface Problem {
  status: number;
  message: string;
  headers?: Record<string, string>;
}

/** The RFC 6455 §4.2.1 checks, made before any handler runs. */
function handshakeProblem(req: IncomingMessage): Problem | undefined {
  const { headers } = req;
  if (req.rawHeaders.length / 2 > MAX_HEADERS) return { status: 431, message: "Too many request headers" };
  if (req.method !== "GET") return { status: 405, message: "WebSocket handshakes use GET", headers: { Allow: "GET" } };
  if (headers.upgrade?.toLowerCase() !== "websocket") return { status: 400, message: "Invalid Upgrade header" };
  const key = headers["sec-websocket-key"];
  if (key === undefined || !KEY.test(key)) return { status: 400, message: "Missing or invalid Sec-WebSocket-Key header" };
  const version = headers["sec-websocket-version"];
  if (version !== "13" && version !== "8") {
    return {
      status: 426,
      message: "Unsupported Sec-WebSocket-Version",
      headers: { "Sec-WebSocket-Version": "13, 8" },
    };
  }
  const protocols = headers["sec-websocket-protocol"];
  if (protocols !== undefined && !protocols.split(",").every((p) => TOKEN.test(p.trim()))) {
    return { status: 400, message: "Invalid Sec-WebSocket-Protocol header" };
  }
  return undefined;
}

function ignore(): void {}
