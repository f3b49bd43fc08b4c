import type { Position } from "@scallion/core/since";
import { encodeSince, MAX_SINCE_TOPICS, SINCE_PARAM } from "@scallion/core/since";
import { ClientError } from "./errors.js";
import type { GapInfo, ResumeInfo } from "./state.js";
import type { Message } from "./websocket.js";

/** How every frame of a topic with history starts (docs/scaling.md, "On the wire"). */
const ENVELOPE = '{"scallion":1,';

interface Envelope {
  readonly scallion: 1;
  readonly kind: string;
  readonly topic: string;
  readonly epoch?: unknown;
  readonly offset?: unknown;
  readonly recovered?: unknown;
  readonly text?: unknown;
  readonly bytes?: unknown;
}

const isEnvelope = (v: unknown): v is Envelope =>
  typeof v === "object" && v !== null && (v as Envelope).scallion === 1 && typeof (v as Envelope).kind === "string" && typeof (v as Envelope).topic === "string";

/** Where {@link Positions} reports what it sees: the client's events. */
interface Reports {
  resume(info: ResumeInfo): void;
  gap(info: GapInfo): void;
}

/**
 * What the client keeps of the topics with history it hears from: the last position seen on
 * each (at most {@link MAX_SINCE_TOPICS}, the most recent), sent back as `since` on every
 * connection. It unwraps their frames into the application's messages, drops duplicates (an
 * offset at or below the last one of the same epoch) and reports gaps and resumes.
 */
export class Positions {
  readonly #base: string;
  readonly #enabled: boolean;
  readonly #report: Reports;
  /** Oldest first: each update moves a topic to the end. */
  readonly #last = new Map<string, Position>();
  /** Topics the current connection's `since` carries. */
  readonly #asked = new Set<string>();
  /** Topics the current connection has had a position frame for. */
  readonly #answered = new Set<string>();

  constructor(base: string, enabled: boolean, report: Reports) {
    if (enabled && new URL(base).searchParams.has(SINCE_PARAM)) {
      throw new ClientError("SCALLION_INVALID_OPTION", `the URL has a "${SINCE_PARAM}" parameter, which resuming sets: rename it, or pass resume: false`);
    }
    this.#base = base;
    this.#enabled = enabled;
    this.#report = report;
  }

  /** The URL of the next connection: with `since` when there are positions to resume from. */
  url(): string {
    this.#asked.clear();
    this.#answered.clear();
    if (!this.#enabled || this.#last.size === 0) return this.#base;
    // Newest first, so that when not all fit, those heard from last are resumed.
    const { value, topics } = encodeSince([...this.#last].reverse());
    if (topics.length === 0) return this.#base;
    for (const topic of topics) this.#asked.add(topic);
    const url = new URL(this.#base);
    url.searchParams.set(SINCE_PARAM, value);
    return url.href;
  }

  /** The application's message in `frame`: the frame itself, unless it is an envelope; `undefined` for none. */
  unwrap(frame: Message): Message | undefined {
    if (typeof frame !== "string" || !frame.startsWith(ENVELOPE)) return frame;
    let envelope: unknown;
    try {
      envelope = JSON.parse(frame);
    } catch {
      return frame;
    }
    if (!isEnvelope(envelope)) return frame;
    const { kind, topic, epoch, offset } = envelope;
    const position = typeof epoch === "string" && Number.isSafeInteger(offset) ? { epoch, offset: offset as number } : undefined;
    if (kind === "position") {
      if (position !== undefined) this.#positioned(topic, position, envelope.recovered === true);
      return undefined;
    }
    // A kind of a later version of the format: nothing for the application.
    if (kind !== "message") return undefined;
    // A message before the answer to a resume: the server could not resume (its engine was down).
    if (this.#asked.has(topic) && !this.#answered.has(topic)) this.#positioned(topic, undefined, false);
    if (position !== undefined && !this.#advance(topic, position)) return undefined;
    if (typeof envelope.text === "string") return envelope.text;
    return typeof envelope.bytes === "string" ? fromBase64(envelope.bytes) : undefined;
  }

  /** A position frame, or (without `position`) a message where one was due. */
  #positioned(topic: string, position: Position | undefined, recovered: boolean): void {
    const asked = this.#asked.has(topic);
    if (!this.#answered.has(topic) && (asked || this.#last.has(topic))) {
      this.#answered.add(topic);
      this.#report.resume({ topic, recovered: asked && recovered });
      // What was missed follows, from where this client was.
      if (asked && recovered) return;
    }
    if (position !== undefined) this.#set(topic, position);
  }

  /** Records a message's position; false for a duplicate. */
  #advance(topic: string, position: Position): boolean {
    const last = this.#last.get(topic);
    if (last !== undefined) {
      const same = last.epoch === position.epoch;
      if (same && position.offset <= last.offset) return false;
      if (position.offset > (same ? last.offset + 1 : 1)) this.#report.gap({ topic, last, next: position });
    }
    this.#set(topic, position);
    return true;
  }

  #set(topic: string, position: Position): void {
    this.#last.delete(topic);
    this.#last.set(topic, position);
    if (this.#last.size > MAX_SINCE_TOPICS) this.#last.delete(this.#last.keys().next().value as string);
  }
}

/** Bytes from base64; what is not base64 yields none. */
function fromBase64(text: string): Uint8Array | undefined {
  let binary: string;
  try {
    binary = atob(text);
  } catch {
    return undefined;
  }
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
