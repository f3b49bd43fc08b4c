import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import { attach, closeOnSignal } from "@scallion/core";
import { createApp } from "./app.js";
import { createHttpHandler } from "./http.js";
import { demoUsers } from "./users.js";

// Cookies verify across restarts (and in examples/chat) only with a fixed secret; a comma-separated
// list rotates secrets. The demo keeps its sessions in memory: a restart signs everyone out.
const secret = process.env.SESSION_SECRET?.split(",") ?? [randomBytes(32).toString("base64url")];
const users = demoUsers();

// One port: plain HTTP requests go to the login handler, upgrades to the WebSocket app.
const http = createServer(createHttpHandler(users, secret));
const ws = attach(createApp(users, secret), http);
const port = process.env.PORT === undefined ? 8080 : Number(process.env.PORT);
const host = process.env.HOST ?? "127.0.0.1";
http.once("error", (error: NodeJS.ErrnoException) => {
  if (error.code !== "EADDRINUSE") throw error;
  console.error(`auth example: ${host}:${port} is already in use; pick another port with PORT=…`);
  process.exit(1);
});
http.listen(port, host, () => {
  const { port: bound } = http.address() as { port: number };
  console.log(`auth example: http://${host}:${bound}/ (sign in as ann / ann-password), ws://${host}:${bound}/ws and /api/ws`);
});

// Graceful shutdown on SIGINT/SIGTERM, however many times it arrives.
closeOnSignal(async () => {
  const closed = new Promise<void>((resolve) => http.close(() => resolve()));
  http.closeIdleConnections();
  await ws.close();
  await closed;
});
