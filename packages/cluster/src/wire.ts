import type { HistoryOptions, Message, Position, Recovery } from "@scallion/core";
import type { PubSubMessage } from "@scallion/core/transport";

/**
 * The key every message of this package carries on the cluster's IPC channel, with the version
 * of the format as its value: the application's own messages, which lack it, are left alone, and
 * its handlers can skip ours with {@link isClusterMessage}.
 */
export const NAMESPACE = "@scallion/cluster";

/** A published message as it crosses the channel: JSON-safe, so either serialization works. */
export interface WireMessage {
  readonly topic: string;
  /** A text payload; a binary one is `bytes`, base64. */
  readonly text?: string;
  readonly bytes?: string;
  readonly exclude?: readonly string[];
  readonly origin: string;
  readonly position?: Position;
}

/** What a worker asks the primary; every request gets one answer with its `id`. */
export type Request =
  | { readonly op: "subscribe" | "unsubscribe"; readonly topic: string }
  | { readonly op: "publish"; readonly message: WireMessage; readonly history?: HistoryOptions }
  | { readonly op: "report"; readonly node: string; readonly topic: string; readonly subscribers: number }
  | { readonly op: "count"; readonly topic: string }
  | { readonly op: "recover"; readonly topic: string; readonly history: HistoryOptions; readonly from?: Position };

/** What {@link Request}s are answered with: true, a position, a count, or a recovery. */
export type Answer = true | Position | number | WireRecovery;

export interface WireRecovery {
  readonly position: Position;
  readonly messages: readonly { readonly offset: number; readonly text?: string; readonly bytes?: string }[] | undefined;
}

/** Worker to primary. */
export type ToPrimary = { readonly [NAMESPACE]: 1; readonly id: number } & Request;

/** Primary to worker: an answer, or a message published on another worker (or recorded in history). */
export type ToWorker =
  | { readonly [NAMESPACE]: 1; readonly op: "answer"; readonly id: number; readonly value: Answer }
  | { readonly [NAMESPACE]: 1; readonly op: "message"; readonly message: WireMessage };

/** Whether an IPC message is one of this package's (so an application's handler can skip it). */
export function isClusterMessage(message: unknown): boolean {
  return typeof message === "object" && message !== null && (message as Record<string, unknown>)[NAMESPACE] === 1;
}

function payload(data: Message): { text: string } | { bytes: string } {
  return typeof data === "string" ? { text: data } : { bytes: Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString("base64") };
}

function data(wire: { readonly text?: string; readonly bytes?: string }): Message {
  return wire.text ?? Buffer.from(wire.bytes ?? "", "base64");
}

export function toWire(message: PubSubMessage): WireMessage {
  const { topic, exclude, origin, position } = message;
  return { topic, origin, ...payload(message.data), ...(exclude === undefined ? {} : { exclude }), ...(position === undefined ? {} : { position }) };
}

export function fromWire(wire: WireMessage): PubSubMessage {
  const { topic, exclude, origin, position } = wire;
  return { topic, data: data(wire), origin, ...(exclude === undefined ? {} : { exclude }), ...(position === undefined ? {} : { position }) };
}

export function recoveryToWire(recovery: Recovery): WireRecovery {
  const messages = recovery.messages?.map((m) => ({ offset: m.offset, ...payload(m.data) }));
  return { position: recovery.position, messages };
}

export function recoveryFromWire(wire: WireRecovery): Recovery {
  return { position: wire.position, messages: wire.messages?.map((m) => ({ offset: m.offset, data: data(m) })) };
}
