/** The HTTP response a refused handshake got instead of a 101. */
export interface HandshakeResponse {
  readonly status: number;
  readonly body: string;
  /** Response headers, names lower-cased. */
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * `connect()` rejects with this when the server refused the upgrade: the handler yielded
 * `reject(status, body)`, threw before the handshake (500) or never decided (503). Recognise it by
 * `code === "SCALLION_HANDSHAKE_REJECTED"` as well as by `instanceof`.
 */
export class HandshakeError extends Error implements HandshakeResponse {
  override readonly name = "HandshakeError";
  readonly code = "SCALLION_HANDSHAKE_REJECTED";
  readonly status: number;
  readonly body: string;
  readonly headers: Readonly<Record<string, string>>;

  constructor(response: HandshakeResponse) {
    super(`handshake refused with HTTP ${response.status}: ${response.body}`);
    this.status = response.status;
    this.body = response.body;
    this.headers = response.headers;
  }
}

/**
 * `connect()` or `receive()` waited longer than its timeout. Under vitest fake timers it fires only
 * when the fake clock is advanced past it.
 */
export class TestTimeoutError extends Error {
  override readonly name = "TestTimeoutError";
  readonly code = "SCALLION_TEST_TIMEOUT";
  /** What was waiting. */
  readonly operation: "connect" | "receive";
  readonly timeout: number;

  constructor(operation: "connect" | "receive", timeout: number, detail: string) {
    super(`${operation}() timed out after ${timeout} ms: ${detail}`);
    this.operation = operation;
    this.timeout = timeout;
  }
}

/** `receive()` was called, or was waiting, when the connection closed with nothing left to read. */
export class ConnectionClosedError extends Error {
  override readonly name = "ConnectionClosedError";
  readonly code = "SCALLION_CONNECTION_CLOSED";
  /** The close code the client saw. */
  readonly closeCode: number;
  readonly reason: string;

  constructor(closeCode: number, reason: string) {
    super(`receive(): the connection closed (${closeCode}${reason ? ` ${reason}` : ""}) with no message left to read`);
    this.closeCode = closeCode;
    this.reason = reason;
  }
}

/**
 * The server accepted without choosing one of the subprotocols the client offered. `ws` and
 * browsers fail such a connection, so the harness does too, on both transports.
 */
export class SubprotocolError extends Error {
  override readonly name = "SubprotocolError";
  readonly code = "SCALLION_NO_SUBPROTOCOL";

  constructor(offered: readonly string[]) {
    super(`connect(): the server accepted without choosing one of the offered subprotocols (${offered.join(", ")})`);
  }
}
