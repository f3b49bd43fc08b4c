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

/** Events of a `Client` and their listeners' arguments. */
export type ClientEvents<In> = {
  message: [message: In];
  state: [change: StateChange];
  error: [error: ClientError];
} & { [S in ClientState]: [change: Extract<StateChange, { state: S }>] };

/** What `send` did with a message: handed it to the open socket, or queued it until the next connection. */
export type SendOutcome = "sent" | "queued";
