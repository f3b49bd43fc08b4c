import { io } from "socket.io-client";
import { WebSocket } from "ws";

/** The two routes every benchmark server serves. */
export type Route = "/echo" | "/room";

/** Which client speaks to a server: a plain WebSocket, or Socket.IO's own client. */
export type ClientKind = "ws" | "socketio";

/** One open connection, whatever the protocol on top of WebSocket. */
export interface Connection {
  send(text: string): void;
  /** Sets the one listener for text messages from the server. */
  onMessage(listener: (text: string) => void): void;
  /** Closes cleanly; resolves once the connection is gone. */
  close(): Promise<void>;
}

/**
 * Every client connects as the server's own page would (its origin) with `?token=bench`: the
 * full-stack server checks both, the others ignore them, so every server gets the same handshake.
 */
const origin = (port: number): string => `http://127.0.0.1:${port}`;
const TOKEN = "bench";

/** Opens a connection to `route` on the server at `port`; rejects if the handshake fails. */
export function open(kind: ClientKind, port: number, route: Route): Promise<Connection> {
  return kind === "ws" ? openWs(port, route) : openSocketIo(port, route);
}

function openWs(port: number, route: Route): Promise<Connection> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}${route}?token=${TOKEN}`, {
    origin: origin(port),
    perMessageDeflate: false,
  });
  const closed = new Promise<void>((resolve) => ws.once("close", () => resolve()));
  return new Promise((resolve, reject) => {
    ws.once("error", reject);
    ws.once("open", () => {
      ws.off("error", reject);
      ws.on("error", () => {});
      resolve({
        send: (text) => ws.send(text),
        onMessage: (listener) => {
          ws.removeAllListeners("message");
          ws.on("message", (data: Buffer) => listener(data.toString()));
        },
        close: () => {
          ws.close();
          return closed;
        },
      });
    });
  });
}

function openSocketIo(port: number, route: Route): Promise<Connection> {
  const socket = io(`http://127.0.0.1:${port}${route}`, {
    transports: ["websocket"],
    forceNew: true,
    reconnection: false,
    query: { token: TOKEN },
    extraHeaders: { origin: origin(port) },
  });
  return new Promise((resolve, reject) => {
    socket.once("connect_error", reject);
    socket.once("connect", () => {
      socket.off("connect_error", reject);
      resolve({
        send: (text) => socket.emit("message", text),
        onMessage: (listener) => {
          socket.off("message");
          socket.on("message", listener);
        },
        close: () => {
          const gone = new Promise<void>((done) => socket.io.engine.once("close", () => done()));
          socket.disconnect();
          return gone;
        },
      });
    });
  });
}

/** Opens `count` connections, `concurrency` handshakes at a time. */
export async function openMany(
  kind: ClientKind,
  port: number,
  route: Route,
  count: number,
  concurrency = 100,
): Promise<Connection[]> {
  const connections: Connection[] = [];
  while (connections.length < count) {
    const batch = Math.min(concurrency, count - connections.length);
    connections.push(...(await Promise.all(Array.from({ length: batch }, () => open(kind, port, route)))));
  }
  return connections;
}

export async function closeAll(connections: readonly Connection[]): Promise<void> {
  await Promise.all(connections.map((c) => c.close()));
}
