import { closeOnSignal, serve } from "@scallion/core";
import { app } from "./app.js";

const port = process.env.PORT === undefined ? 8080 : Number(process.env.PORT);
const host = process.env.HOST ?? "127.0.0.1";
const server = await serve(app, { port, host }).catch((error: NodeJS.ErrnoException) => {
  if (error.code !== "EADDRINUSE") throw error;
  console.error(`echo example: ${host}:${port} is already in use; pick another port with PORT=…`);
  process.exit(1);
});

// Graceful shutdown on SIGINT/SIGTERM, however many times it arrives: every client gets the
// answers to what it had sent, then 1001. A second Ctrl-C after a second exits at once.
closeOnSignal(() => {
  console.log(`shutting down: closing ${server.connections} connection(s)`);
  return server.close();
});

// Said once the signals are handled, so that whoever waits for this line may stop the server.
console.log(`echo example: ${server.url}/echo and ${server.url}/shout`);
