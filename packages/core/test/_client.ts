import { WebSocket } from "ws";

/** A `ws` client with its messages queued, for tests: `next()` takes them in order. */
export interface TestClient {
  readonly ws: WebSocket;
  readonly protocol: string;
  next(): Promise<string | Buffer>;
  readonly closed: Promise<{ code: number; reason: string }>;
}

export function openClient(
  url: string,
  options: {
    protocols?: string[];
    headers?: Record<string, string>;
    perMessageDeflate?: boolean;
    autoPong?: boolean;
    localAddress?: string;
  } = {},
): Promise<TestClient> {
  const { protocols = [], ...rest } = options;
  const ws = new WebSocket(url, protocols, { perMessageDeflate: false, ...rest });
  const queue: (string | Buffer)[] = [];
  const waiting: ((m: string | Buffer) => void)[] = [];
  ws.on("message", (data: Buffer, isBinary) => {
    const message = isBinary ? data : data.toString();
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
        get protocol() {
          return ws.protocol;
        },
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
