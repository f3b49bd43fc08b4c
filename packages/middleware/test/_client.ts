import type { IncomingHttpHeaders } from "node:http";
import { WebSocket } from "ws";

/** A `ws` client with its messages queued: `next()` takes them in order. */
export interface TestClient {
  readonly ws: WebSocket;
  next(): Promise<string>;
  readonly closed: Promise<{ code: number; reason: string }>;
}

/** What a refused handshake answered. */
export interface Refusal {
  readonly status: number;
  readonly body: string;
  readonly headers: IncomingHttpHeaders;
}

/** Opens a connection; rejects with a {@link Refusal} when the server answers without upgrading. */
export function openClient(url: string, headers: Record<string, string> = {}): Promise<TestClient> {
  const ws = new WebSocket(url, { headers, perMessageDeflate: false });
  const queue: string[] = [];
  const waiting: ((m: string) => void)[] = [];
  ws.on("message", (data: Buffer) => {
    const message = data.toString();
    const w = waiting.shift();
    if (w) w(message);
    else queue.push(message);
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on("close", (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  return new Promise((resolve, reject) => {
    ws.once("open", () =>
      resolve({
        ws,
        next: () => {
          const m = queue.shift();
          return m !== undefined ? Promise.resolve(m) : new Promise((r) => waiting.push(r));
        },
        closed,
      }),
    );
    ws.once("unexpected-response", (_req, res) => {
      let body = "";
      res.on("data", (chunk: Buffer) => (body += chunk.toString()));
      res.on("end", () => reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { status: res.statusCode, body, headers: res.headers })));
    });
    ws.once("error", reject);
  });
}

/** The HTTP status of a refused handshake, or "open" when it was accepted (then closed). */
export async function statusOf(url: string, headers: Record<string, string> = {}): Promise<number | "open"> {
  try {
    const client = await openClient(url, headers);
    client.ws.close();
    return "open";
  } catch (error) {
    const status = (error as Partial<Refusal>).status;
    if (status === undefined) throw error;
    return status;
  }
}

/** The first message the server sends on `url`, then closes. */
export async function firstMessage(url: string, headers: Record<string, string> = {}): Promise<string> {
  const client = await openClient(url, headers);
  const message = await client.next();
  client.ws.close();
  return message;
}
