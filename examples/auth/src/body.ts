import type { IncomingMessage, ServerResponse } from "node:http";

/** After a 413, how much of the rest of the body is read and discarded, and for how long, before the connection is closed anyway. */
const DRAIN_BYTES = 16 * 1024 * 1024;
const DRAIN_MS = 5_000;

/**
 * The request body as text, or undefined when it is longer than `max` bytes (by its
 * `Content-Length`, or as it arrives): then 413 has been answered.
 */
export function readBody(req: IncomingMessage, res: ServerResponse, max: number): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    if (Number(req.headers["content-length"]) > max) {
      tooLarge(req, res);
      return resolve(undefined);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= max) return void chunks.push(chunk);
      req.off("data", onData).off("end", onEnd);
      tooLarge(req, res);
      resolve(undefined);
    };
    const onEnd = () => resolve(Buffer.concat(chunks).toString("utf8"));
    req.on("data", onData).on("end", onEnd).once("error", reject);
  });
}

/**
 * Answers 413 at once, and closes the connection only once the client has finished sending (or
 * after DRAIN_BYTES or DRAIN_MS): closing a socket with unread data in it sends a TCP reset, and
 * a client that gets the reset before it has read the answer sees ECONNRESET instead of 413.
 */
function tooLarge(req: IncomingMessage, res: ServerResponse): void {
  const body = "Payload Too Large\n";
  res.writeHead(413, {
    "Content-Type": "text/plain; charset=utf-8",
    "Content-Length": Buffer.byteLength(body),
    "Cache-Control": "no-store",
    Connection: "close",
  });
  // The whole answer goes out now; res.end(), which closes the connection, waits for the drain.
  res.write(body);
  let drained = 0;
  const finish = () => {
    clearTimeout(timer);
    req.off("data", onData);
    if (!res.writableEnded) res.end();
  };
  const onData = (chunk: Buffer) => {
    drained += chunk.length;
    if (drained > DRAIN_BYTES) finish();
  };
  const timer = setTimeout(finish, DRAIN_MS);
  req.on("data", onData).once("end", finish).once("error", finish);
  res.once("close", finish);
  req.resume();
}
