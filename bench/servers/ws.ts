/**
 * Raw `ws`, the baseline: `/echo` sends each message back, `/room` sends each message to every
 * open client on `/room`, the sender included. Written as the `ws` README does it.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { WebSocket, WebSocketServer } from "ws";
import { announce, host, port } from "./_listen.js";
import { routeUpgrades } from "./_ws-routes.js";

const http = createServer();
const echo = new WebSocketServer({ noServer: true });
const room = new WebSocketServer({ noServer: true });

echo.on("connection", (ws) => {
  ws.on("message", (data, isBinary) => ws.send(data, { binary: isBinary }));
});

room.on("connection", (ws) => {
  ws.on("message", (data, isBinary) => {
    for (const client of room.clients) {
      if (client.readyState === WebSocket.OPEN) client.send(data, { binary: isBinary });
    }
  });
});

routeUpgrades(http, { "/echo": echo, "/room": room });

http.listen(port, host, () => announce("ws", (http.address() as AddressInfo).port));
