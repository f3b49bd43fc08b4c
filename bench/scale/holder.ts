/**
 * A process of the scale benchmark's load generator: it holds idle WebSocket connections over raw
 * TCP, as cheaply as it can (no WebSocket object: a socket and a frame reader each), answers the
 * server's pings, and reports when every connection it holds has received a published message.
 * Driven by its parent over IPC ({@link HolderCommand}, {@link HolderReport}); one process holds
 * at most what its open-file limit allows.
 */
import { connect } from "node:net";
import type { Socket } from "node:net";
import { expectedAccept, handshakeRequest, nextKey } from "../load/raw-handshake.js";
import { now } from "./clock.js";
import { CLOSE, FrameReader, maskedFrame, PING, PONG, TEXT } from "./frames.js";
import type { TallyReport } from "./tally.js";
import { Tally } from "./tally.js";

export type HolderCommand =
  | { type: "open"; port: number; route: string; count: number; localAddress: string; concurrency: number }
  | { type: "expect"; text: string }
  | { type: "publish"; text: string }
  /** Counts numbered messages from now on (see {@link Tally}). */
  | { type: "tally" }
  /** Sends `count` numbered messages from the first connection, one every `intervalMs` (0: at once). */
  | { type: "stream"; count: number; intervalMs: number }
  | { type: "report"; sent: number }
  | { type: "close" };

export type HolderReport =
  | { type: "opened"; held: number }
  | { type: "ready" }
  | { type: "sent"; at: number }
  | { type: "received"; at: number }
  | { type: "streamed" }
  | ({ type: "counted" } & TallyReport)
  | { type: "failed"; why: string };

const held: Socket[] = [];
/** Connections opened so far, counting those still in their handshake: each one's index. */
let opened = 0;
let expected: string | undefined;
let missing = 0;
let tally: Tally | undefined;

const report = (message: HolderReport): void => void process.send?.(message);

process.on("message", (command: HolderCommand) => {
  switch (command.type) {
    case "open":
      openMany(command).then(
        () => report({ type: "opened", held: held.length }),
        (error: Error) => report({ type: "failed", why: error.message }),
      );
      break;
    case "expect":
      expected = command.text;
      missing = held.length;
      report({ type: "ready" });
      break;
    case "publish":
      report({ type: "sent", at: now() });
      held[0]?.write(maskedFrame(TEXT, Buffer.from(command.text)));
      break;
    case "tally":
      tally = new Tally();
      tally.reset(held.length);
      report({ type: "ready" });
      break;
    case "stream":
      stream(command.count, command.intervalMs).then(
        () => report({ type: "streamed" }),
        (error: Error) => report({ type: "failed", why: error.message }),
      );
      break;
    case "report":
      report({ type: "counted", ...(tally as Tally).report(command.sent) });
      break;
    case "close":
      for (const socket of held) socket.destroy();
      process.exit(0);
  }
});

async function openMany({ port, route, count, localAddress, concurrency }: Extract<HolderCommand, { type: "open" }>): Promise<void> {
  let left = count;
  const lane = async (): Promise<void> => {
    while (left-- > 0) held.push(await hold(port, route, localAddress, opened++));
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
}

/** Opens one connection and keeps it: pings answered, the expected and the numbered messages counted. */
function hold(port: number, route: string, localAddress: string, index: number): Promise<Socket> {
  const key = nextKey();
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: "127.0.0.1", localAddress, noDelay: true });
    let head = "";
    let reader: FrameReader | undefined;
    socket.on("error", (error) => reject(error));
    socket.on("close", () => {
      if (reader !== undefined) report({ type: "failed", why: "the server closed a held connection" });
    });
    socket.on("data", (chunk: Buffer) => {
      if (reader !== undefined) return onFrames(socket, index, reader.read(chunk));
      head += chunk.toString("latin1");
      const end = head.indexOf("\r\n\r\n");
      if (end === -1) return;
      if (!head.startsWith("HTTP/1.1 101 ") || !head.includes(expectedAccept(key))) {
        socket.destroy();
        return reject(new Error(`handshake refused: ${head.split("\r\n")[0]}`));
      }
      reader = new FrameReader();
      resolve(socket);
      if (head.length > end + 4) onFrames(socket, index, reader.read(Buffer.from(head.slice(end + 4), "latin1")));
    });
    socket.write(handshakeRequest(port, route, key));
  });
}

function onFrames(socket: Socket, index: number, frames: readonly { opcode: number; payload: Buffer }[]): void {
  for (const { opcode, payload } of frames) {
    if (opcode === PING) socket.write(maskedFrame(PONG, payload));
    else if (opcode === TEXT) {
      const text = payload.toString();
      if (tally?.record(index, text) !== true && text === expected && --missing === 0) report({ type: "received", at: now() });
    } else if (opcode === CLOSE) report({ type: "failed", why: `closed by the server (${payload.readUInt16BE(0)})` });
  }
}

/** Numbered messages from the first connection: `m <seq> <sent at>`. */
async function stream(count: number, intervalMs: number): Promise<void> {
  const socket = held[0] as Socket;
  for (let seq = 0; seq < count; seq++) {
    socket.write(maskedFrame(TEXT, Buffer.from(`m ${seq} ${now().toFixed(3)}`)));
    if (intervalMs > 0) await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
