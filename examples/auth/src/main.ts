import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import { attach } from "@scallion/core";
import { createApp } from "./app.js";
import { createHttpHandler } from "./http.js";
import { demoUsers } from "./users.js";

// Sessions survive restarts only with a fixed secret; a comma-separated list rotates secrets.
const secret = process.env.SESSION_SECRET?.split(",") ?? [randomBytes(32).toString("base64url")];
const users = demoUsers();

// One port: plain HTTP requests go to the login handler, upgrades to the WebSocket app.
const http = createServer(createHttpHandler(users, secret));
const ws = attach(createApp(users, secret), http);
http.listen(process.env.PORT === undefined ? 8080 : Number(process.env.PORT), process.env.HOST ?? "127.0.0.1", () => {
  const { port } = http.address() as { port: number };
  const host = process.env.HOST ?? "127.0.0.1";
  console.log(`auth example: http://${host}:${port}/ (sign in as ann / ann-password), ws://${host}:${port}/ws and /api/ws`);
});

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    ws.close()
      .then(() => new Promise<void>((resolve) => http.close(() => resolve())))
      .then(
        () => process.exit(0),
        (error: unknown) => {
          console.error(error);
          process.exit(1);
        },
      );
    http.closeIdleConnections();
  });
}
