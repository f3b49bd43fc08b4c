import { afterEach } from "vitest";
import type { Handler, Logger, Server, ServeOptions } from "../src/index.js";
import { serve } from "../src/index.js";

const running: Server[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.close({ timeout: 500 })));
});

/** Serves `app` on an ephemeral loopback port for one test; closed after it. */
export async function start(app: Handler, options: ServeOptions = {}): Promise<Server> {
  const server = await serve(app, { port: 0, logger: false, ...options });
  running.push(server);
  return server;
}

/** A logger that remembers what it was told. */
export function recordingLogger(): Logger & { entries: { level: string; context: object; message: string }[] } {
  const entries: { level: string; context: object; message: string }[] = [];
  const at = (level: string) => (context: object, message: string) => void entries.push({ level, context, message });
  return { entries, debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
}
