import type { Server } from "node:http";
import type { WebSocketServer } from "ws";

/** Hands each upgrade to the raw `ws` server of its path (`/echo`, `/room`); any other path gets a 404. */
export function routeUpgrades(http: Server, routes: Readonly<Record<string, WebSocketServer>>): void {
  http.on("upgrade", (req, socket, head) => {
    const path = req.url?.split("?")[0] ?? "";
    const wss = Object.hasOwn(routes, path) ? routes[path] : undefined;
    if (wss === undefined) {
      socket.end("HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit("connection", ws, req));
  });
}
