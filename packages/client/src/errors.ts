/** What went wrong, for {@link ClientError}; stable, so code can branch on it without `instanceof`. */
export type ClientErrorCode =
  /** `send` while disconnected with `maxQueue` messages already waiting. */
  | "SCALLION_QUEUE_FULL"
  /** `send` after the client reached the `closed` state. */
  | "SCALLION_CLIENT_CLOSED"
  /** A message failed its schema (received: an `error` event; sent: thrown) or was not JSON. */
  | "SCALLION_INVALID_MESSAGE"
  /** The socket reported an error; a close and, unless told otherwise, a reconnect follow. */
  | "SCALLION_SOCKET_ERROR"
  /** An option or URL the client cannot use; thrown by `createClient`. */
  | "SCALLION_INVALID_OPTION"
  /** The server answered the handshake with 401, 403 or 404 (seen in Node, with `ws`): the client stopped. */
  | "SCALLION_HANDSHAKE_REFUSED"
  /** Handshakes kept failing without saying why (in browsers a refusal looks so): the client stopped. */
  | "SCALLION_HANDSHAKE_FAILED";

/**
 * Every error the client throws or emits. Recognise it by `code` (or `name === "ClientError"`)
 * as well as by `instanceof`: two copies of the package break `instanceof`.
 */
export class ClientError extends Error {
  override readonly name = "ClientError";
  readonly code: ClientErrorCode;
  /** The message that failed validation, as received or as given to `send`. */
  readonly data?: unknown;
  /** The HTTP status that refused the handshake (`SCALLION_HANDSHAKE_REFUSED`). */
  readonly status?: number;

  constructor(code: ClientErrorCode, message: string, options: { cause?: unknown; data?: unknown; status?: number } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    if ("data" in options) this.data = options.data;
    if (options.status !== undefined) this.status = options.status;
  }
}

/** True for a {@link ClientError} from any copy of this package. */
export function isClientError(error: unknown): error is ClientError {
  return error instanceof Error && error.name === "ClientError" && typeof (error as ClientError).code === "string";
}
