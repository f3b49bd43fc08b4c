import type { Position } from "@scallion/core/since";
import type { ClientError } from "./errors.js";

/** Where the client is: trying its first connection, connected, between connections, or done for good. */
export type ClientState = "connecting" | "open" | "reconnecting" | "closed";

/** Why the client stopped for good: the close that ended it, and how many queued messages were never sent. */
export interface CloseInfo {
  readonly code: number;
  readonly reason: string;
  readonly unsent: number;
  /** What stopped it, when the server refused: `SCALLION_HANDSHAKE_REFUSED` or `SCALLION_HANDSHAKE_FAILED`. */
  readonly error?: ClientError;
}

/** A `state` event: the new state, with why the last connection ended and what happens next. */
export type StateChange =
  | { readonly state: "connecting" }
  | { readonly state: "open" }
  | {
      readonly state: "reconnecting";
      readonly code: number;
      readonly reason: string;
      /** Failed attempts so far in this run of backoff, counting from 1. */
      readonly attempt: number;
      /** Milliseconds until the next attempt. */
      readonly delay: number;
    }
  | ({ readonly state: "closed" } & CloseInfo);

/**
 * A `resume` event: the connection that just opened took up `topic` (a topic with history the
 * client had received before) and either got what was missed meanwhile (`recovered`: it follows,
 * in order, before the live messages) or could not (`recovered: false`: history no longer covers
 * the gap, or the server did not resume; refetch what you show).
 */
export interface ResumeInfo {
  readonly topic: string;
  readonly recovered: boolean;
}

/**
 * A `gap` event: on `topic`, the message at `next` came after `last` with messages between them
 * that never arrived (a server node missed them). It is delivered; what is missing is not.
 */
export interface GapInfo {
  readonly topic: string;
  readonly last: Position;
  readonly next: Position;
}

/** Events of a `Client` and their listeners' arguments. */
export type ClientEvents<In> = {
  message: [message: In];
  state: [change: StateChange];
  error: [error: ClientError];
  resume: [info: ResumeInfo];
  gap: [info: GapInfo];
} & { [S in ClientState]: [change: Extract<StateChange, { state: S }>] };

/** What `send` did with a message: handed it to the open socket, or queued it until the next connection. */
export type SendOutcome = "sent" | "queued";
