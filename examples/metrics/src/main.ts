import type { AddressInfo } from "node:net";
import { closeOnSignal } from "@scallion/core";
import { createMetricsServer } from "./app.js";

const { http, endpoint } = createMetricsServer();
const port = process.env.PORT === undefined ? 8080 : Number(process.env.PORT);
const host = process.env.HOST ?? "127.0.0.1";
http.once("error", (error: NodeJS.ErrnoException) => {
  if (error.code !== "EADDRINUSE") throw error;
  console.error(`metrics example: ${host}:${port} is already in use; pick another port with PORT=…`);
  process.exit(1);
});
http.listen(port, host, () => {
  const { address, port: bound } = http.address() as AddressInfo;
  console.log(`metrics example: ws://${address}:${bound}/echo, metrics on http://${address}:${bound}/metrics`);
});

// Graceful shutdown on SIGINT/SIGTERM, however many times it arrives.
closeOnSignal(() => {
  http.close();
  return endpoint.close();
});
