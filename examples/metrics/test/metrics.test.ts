import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { WebSocket } from "ws";
import { createMetricsServer } from "../src/app.js";

const { http, endpoint } = createMetricsServer();
let base = "";
beforeAll(async () => {
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  base = `127.0.0.1:${(http.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await endpoint.close();
  http.close();
});

describe("examples/metrics", () => {
  it("exposes the server's stats in Prometheus text format", async () => {
    const ws = new WebSocket(`ws://${base}/echo`);
    await new Promise((resolve) => ws.on("open", resolve));
    ws.send("one");
    await new Promise((resolve) => ws.once("message", resolve));
    const res = await fetch(`http://${base}/metrics`);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0.0.4/);
    const body = await res.text();
    expect(body).toContain("# TYPE scallion_connections gauge\nscallion_connections 1\n");
    expect(body).toContain('scallion_messages_total{direction="in"} 1\n');
    expect(body).toContain('scallion_messages_total{direction="out"} 1\n');
    ws.close();
    await vi.waitFor(async () => {
      const text = await (await fetch(`http://${base}/metrics`)).text();
      expect(text).toContain('scallion_closes_total{cause="client"} 1\n');
    });
  });
});
