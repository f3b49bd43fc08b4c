import type { Handler, Server, ServeOptions } from "@scallion/core";
import { serve } from "@scallion/core";
import { afterEach } from "vitest";

const running: Server[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.close({ timeout: 500 })));
});

/** Serves `app` on an ephemeral loopback port for one test; closed after it. */
export async function start(app: Handler, options: ServeOptions = {}): Promise<Server> {
  const server = await serve(app, { port: 0, host: "127.0.0.1", logger: false, ...options });
  running.push(server);
  return server;
}
