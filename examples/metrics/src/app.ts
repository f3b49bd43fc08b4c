import { createServer } from "node:http";
import type { Server } from "node:http";
import type { Endpoint } from "@scallion/core";
import { attach, send, websocket } from "@scallion/core";
import { prometheusText } from "./prometheus.js";

/** `/echo` over WebSocket; `GET /metrics` is the endpoint's stats for Prometheus to scrape. */
export function createMetricsServer(): { http: Server; endpoint: Endpoint } {
  const http = createServer((req, res) => {
    if (req.method === "GET" && req.url === "/metrics") {
      res.writeHead(200, { "Content-Type": "text/plain; version=0.0.4; charset=utf-8" });
      res.end(prometheusText(endpoint.stats()));
      return;
    }
    res.writeHead(404).end();
  });
  const endpoint = attach(
    websocket(async function* echo(_scope, receiver) {
      for await (const message of receiver) yield send(message);
    }),
    http,
  );
  return { http, endpoint };
}
