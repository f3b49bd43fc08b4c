/**
 * Raw `ws` on every core, the way one would write it by hand: WORKERS node:cluster workers
 * (default 2) share one port; `/echo` sends each message back, `/room` sends each message to the
 * worker's own clients on `/room` and to the primary, which hands it to every other worker,
 * which sends it to theirs. The
 * baseline for Scallion's cluster in the scale benchmark. The primary announces once all listen.
 */
import cluster from "node:cluster";
import type { Worker } from "node:cluster";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { WebSocket, WebSocketServer } from "ws";
import { announce, host, port } from "./_listen.js";
import { routeUpgrades } from "./_ws-routes.js";

const workers = Number(process.env.WORKERS ?? 2);

interface Relay {
  relay: string;
}

if (cluster.isPrimary) {
  let listening = 0;
  cluster.on("message", (from: Worker, message: Relay | { port: number }) => {
    if ("relay" in message) {
      for (const worker of Object.values(cluster.workers ?? {})) if (worker !== from) worker?.send(message);
    } else if (++listening === workers) announce("ws-cluster", message.port);
  });
  for (let i = 0; i < workers; i++) cluster.fork();
} else {
  const http = createServer();
  const echo = new WebSocketServer({ noServer: true });
  const room = new WebSocketServer({ noServer: true });
  echo.on("connection", (ws) => {
    ws.on("message", (data, isBinary) => ws.send(data, { binary: isBinary }));
  });
  const toRoom = (data: string): void => {
    for (const client of room.clients) if (client.readyState === WebSocket.OPEN) client.send(data);
  };
  room.on("connection", (ws) => {
    ws.on("message", (data: Buffer) => {
      const text = data.toString();
      toRoom(text);
      process.send?.({ relay: text } satisfies Relay);
    });
  });
  process.on("message", (message: Relay) => toRoom(message.relay));
  routeUpgrades(http, { "/echo": echo, "/room": room });
  http.listen(port, host, () => process.send?.({ port: (http.address() as AddressInfo).port }));
}
