import { serve } from "@scallion/core";
import { app } from "./app.js";

const port = process.env.PORT === undefined ? 8080 : Number(process.env.PORT);
const host = process.env.HOST ?? "127.0.0.1";
const server = await serve(app, { port, host }).catch((error: NodeJS.ErrnoException) => {
  if (error.code !== "EADDRINUSE") throw error;
  console.error(`echo example: ${host}:${port} is already in use; pick another port with PORT=…`);
  process.exit(1);
});

// Graceful shutdown: every client gets what was already sent, then 1001.
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    console.log(`${signal}: closing ${server.connections} connection(s)`);
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  });
}

// Said once the signals are handled, so that whoever waits for this line may stop the server.
console.log(`echo example: ${server.url}/echo and ${server.url}/shout`);
