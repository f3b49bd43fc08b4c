import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { attach } from "@scallion/core";
import { WebSocket } from "ws";
import { createApp } from "../src/app.js";
import { createHttpHandler } from "../src/http.js";
import type { Users } from "../src/users.js";
import { demoUsers } from "../src/users.js";

export const SECRET = "test secret, not for production";

export interface RunningAuth {
  readonly base: string;
  readonly users: Users;
  close(): Promise<void>;
}

/** The example as main.ts wires it, on a free loopback port. */
export async function startAuth(users: Users = demoUsers()): Promise<RunningAuth> {
  const http = createServer(createHttpHandler(users, SECRET));
  const ws = attach(createApp(users, SECRET), http, { logger: false });
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  return {
    base: `127.0.0.1:${(http.address() as AddressInfo).port}`,
    users,
    async close() {
      await ws.close({ timeout: 500 });
      http.closeAllConnections();
      await new Promise((resolve) => http.close(resolve));
    },
  };
}

export interface Login {
  readonly status: number;
  /** The `name=value` part of the Set-Cookie header, "" without one. */
  readonly cookie: string;
  readonly setCookie: string;
  readonly body: { name: string; token: string } | undefined;
}

export async function login(base: string, name: string, password: string, options: { json?: boolean; headers?: Record<string, string> } = {}): Promise<Login> {
  const response = await fetch(`http://${base}/login`, {
    method: "POST",
    headers: { "Content-Type": options.json ? "application/json" : "application/x-www-form-urlencoded", ...options.headers },
    body: options.json ? JSON.stringify({ name, password }) : new URLSearchParams({ name, password }).toString(),
  });
  const setCookie = response.headers.get("set-cookie") ?? "";
  const body = response.ok ? ((await response.json()) as { name: string; token: string }) : (await response.text(), undefined);
  return { status: response.status, cookie: setCookie.split(";")[0] as string, setCookie, body };
}

export type Outcome = { messages: string[]; close?: { code: number; reason: string }; status?: number };

/** Connects, sends `say`, and collects what happens until the socket closes or `expected` messages arrive. */
export function talk(base: string, path: string, headers: Record<string, string>, say: string[] = [], expected = 1 + say.length): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://${base}${path}`, { headers });
    const messages: string[] = [];
    ws.on("open", () => say.forEach((m) => ws.send(m)));
    ws.on("message", (data: Buffer) => {
      messages.push(data.toString());
      if (messages.length === expected) ws.close();
    });
    ws.on("close", (code, reason) => resolve({ messages, close: { code, reason: reason.toString() } }));
    ws.on("unexpected-response", (_req, res) => {
      res.resume();
      resolve({ messages, status: res.statusCode });
    });
    ws.on("error", (error) => (error.message.startsWith("Unexpected server response") ? undefined : reject(error)));
  });
}

/** What `/ws` says to a cookie: the greeting, or how it refused. */
export async function greeting(base: string, cookie: string): Promise<string | number | undefined> {
  const result = await talk(base, "/ws", { Cookie: cookie, Origin: `http://${base}` });
  return result.messages[0] ?? result.close?.code ?? result.status;
}
