/**
 * Raw `ws`, the baseline: `/echo` sends each message back, `/room` sends each message to every
 * open client on `/room`, the sender included. Written as the `ws` README does it.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { WebSocket, WebSocketServer } from "ws";
import { announce, host, port } from "./_listen.js";

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

http.on("upgrade", (req, socket, head) => {
  const path = req.url?.split("?")[0];
  const wss = path === "/echo" ? echo : path === "/room" ? room : undefined;
  if (wss === undefined) {
    socket.end("HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
    return;
  }
  wss.handleUpgrade(req, socket, head, (ws) => wss.emit("connection", ws, req));
});

http.listen(port, host, () => announce("ws", (http.address() as AddressInfo).port));
