import type { Handler, Position, Server } from "@scallion/core";
import { send, subscribe } from "@scallion/core";
import { expect, vi } from "vitest";
import { WebSocket } from "ws";

/** Subscribes to "feed", resuming after `?epoch=&offset=` when given, and says the outcome. */
export const feed: Handler = async function* (scope, receiver) {
  const { epoch, offset } = scope.query;
  const since = epoch === undefined ? undefined : { epoch, offset: Number(offset) };
  yield send(`outcome: ${yield subscribe("feed", { since })}`);
  for await (const _ of receiver);
};

interface Frame {
  kind: "message" | "position";
  epoch?: string;
  offset?: number;
  text?: string;
  bytes?: string;
  recovered?: boolean;
}

/** A client of {@link feed} that keeps its last position and resumes with it. */
export function reader() {
  const texts: string[] = [];
  const frames: Frame[] = [];
  let outcome = "";
  let ws: WebSocket | undefined;
  const state = {
    texts,
    frames,
    position: undefined as Position | undefined,
    async open(server: Server): Promise<string> {
      const p = state.position;
      ws = new WebSocket(`${server.url}/${p === undefined ? "" : `?epoch=${p.epoch}&offset=${p.offset}`}`);
      outcome = "";
      ws.on("message", (data: Buffer) => {
        const text = data.toString();
        if (text.startsWith("outcome: ")) return void (outcome = text);
        const frame = JSON.parse(text) as Frame;
        frames.push(frame);
        if (frame.kind === "message") texts.push(frame.text ?? `bytes ${frame.bytes}`);
        if (frame.epoch !== undefined && frame.offset !== undefined) state.position = { epoch: frame.epoch, offset: frame.offset };
      });
      await vi.waitFor(() => expect(outcome).not.toBe(""));
      return outcome;
    },
    async drop(): Promise<void> {
      const closed = new Promise((resolve) => ws?.once("close", resolve));
      ws?.terminate();
      await closed;
    },
  };
  return state;
}

export const numbers = (from: number, to: number): string[] => Array.from({ length: to - from + 1 }, (_, i) => String(from + i));
