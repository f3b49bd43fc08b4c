import type { AddressInfo } from "node:net";
import type { PubSub } from "@scallion/core";
import { MemoryPubSub } from "@scallion/core";
import type { Secret } from "@scallion/middleware";
import { vi } from "vitest";
import { WebSocket } from "ws";
import type { ServerMessage } from "../src/protocol.js";
import { HISTORY } from "../src/history.js";
import { createChatServer } from "../src/server.js";

export interface RunningChat {
  readonly base: string;
  readonly port: number;
  stop(): Promise<void>;
  /** Stops the server (clients get 1001) and starts a new one on the same port. */
  restart(): Promise<void>;
}

/**
 * What a raw WebSocket frame of the chat carries: rooms keep history, so their messages come
 * wrapped (`{"scallion":1,"kind":"message",…,"text":…}`, docs/scaling.md); position frames carry
 * none. `@scallion/client` unwraps them by itself.
 */
export function chatMessage(frame: string): ServerMessage | undefined {
  const envelope = JSON.parse(frame) as { scallion?: number; kind?: string; text?: string };
  if (envelope.scallion !== 1) return envelope as ServerMessage;
  return envelope.kind === "message" ? (JSON.parse(envelope.text!) as ServerMessage) : undefined;
}

/** A chat server on a free loopback port (or `port`); its rooms keep history in memory, unless `pubsub` is given. */
export async function startChat(options: { pubsub?: PubSub; sessionSecret?: Secret; port?: number } = {}): Promise<RunningChat> {
  // Without an engine given, each start has one of its own, as a process has: a restart loses history.
  const listen = async (port: number) => {
    const pubsub = options.pubsub ?? new MemoryPubSub({ history: HISTORY });
    const server = createChatServer({ pubsub, sessionSecret: options.sessionSecret, logger: false });
    await new Promise<void>((resolve) => server.http.listen(port, "127.0.0.1", resolve));
    return server;
  };
  let current = await listen(options.port ?? 0);
  const { port } = current.http.address() as AddressInfo;
  const stop = async () => {
    const closed = new Promise((resolve) => current.http.close(resolve));
    current.http.closeIdleConnections();
    await current.endpoint.close({ timeout: 500 });
    current.http.closeAllConnections();
    await closed;
  };
  return {
    base: `127.0.0.1:${port}`,
    port,
    stop,
    async restart() {
      await stop();
      current = await listen(port);
    },
  };
}

/** A chat member: everything it received, parsed, and how its connection ended. */
export interface Member {
  readonly ws: WebSocket;
  readonly received: ServerMessage[];
  readonly closed: Promise<{ code: number; reason: string }>;
  say(text: string): void;
  /** Waits until a received message matches. */
  saw(match: Partial<ServerMessage>): Promise<void>;
}

export function join(base: string, path: string, headers: Record<string, string> = {}): Promise<Member> {
  const ws = new WebSocket(`ws://${base}${path}`, { headers });
  const received: ServerMessage[] = [];
  ws.on("message", (data: Buffer) => {
    const message = chatMessage(data.toString());
    if (message !== undefined) received.push(message);
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on("close", (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  const member: Member = {
    ws,
    received,
    closed,
    say: (text) => ws.send(JSON.stringify({ type: "message", text })),
    saw: (match) =>
      vi.waitFor(() => {
        if (!received.some((m) => Object.entries(match).every(([k, v]) => (m as Record<string, unknown>)[k] === v))) {
          throw new Error(`not yet seen: ${JSON.stringify(match)} in ${JSON.stringify(received)}`);
        }
      }),
  };
  return new Promise((resolve, reject) => {
    ws.once("open", () => resolve(member));
    ws.once("unexpected-response", (_req, res) => reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { status: res.statusCode })));
    ws.once("error", reject);
  });
}
