import { ClientError } from "./errors.js";

/** Statuses of a refused handshake after which retrying cannot help: unauthorised, forbidden, not found. */
const REFUSED_STATUSES: readonly number[] = [401, 403, 404];

/**
 * Handshakes in a row that may fail without saying why before the client stops. Browsers (and
 * Node's own WebSocket) hide a refusal's HTTP status: a 401 looks like a server that is down.
 * With the default backoff, ten failures take about a minute and a half.
 */
export const MAX_UNEXPLAINED_FAILURES = 10;

/** Why a handshake failed, as far as the WebSocket's error event tells. */
type Failure = { readonly status: number } | { readonly network: string } | undefined;

/**
 * `ws` reports a refused handshake as an error "Unexpected server response: 401", and an
 * unreachable server with the socket's error code (`ECONNREFUSED`); browsers report nothing.
 */
function explain(event: unknown): Failure {
  const error = (event as { error?: unknown } | null)?.error;
  if (!(error instanceof Error)) return undefined;
  const status = /^Unexpected server response: (\d{3})$/.exec(error.message)?.[1];
  if (status !== undefined) return { status: Number(status) };
  const code = (error as { code?: unknown }).code;
  return typeof code === "string" ? { network: code } : undefined;
}

/** Follows the handshakes of one client, and says when refusals mean it should stop retrying. */
export class Handshakes {
  #unexplained = 0;
  #failure: Failure;

  /** The socket being opened reported an error. */
  failed(event: unknown): void {
    this.#failure ??= explain(event);
  }

  /** A socket opened: the run of failures is over. */
  opened(): void {
    this.#unexplained = 0;
    this.#failure = undefined;
  }

  /** A socket was lost before it opened: the error to stop with, or undefined to try again. */
  lost(url: string): ClientError | undefined {
    const failure = this.#failure;
    this.#failure = undefined;
    if (failure !== undefined && "network" in failure) return undefined;
    if (failure !== undefined) {
      if (!REFUSED_STATUSES.includes(failure.status)) return undefined;
      return new ClientError("SCALLION_HANDSHAKE_REFUSED", `${url}: the server refused the handshake with HTTP ${failure.status}`, {
        status: failure.status,
      });
    }
    if (++this.#unexplained < MAX_UNEXPLAINED_FAILURES) return undefined;
    return new ClientError(
      "SCALLION_HANDSHAKE_FAILED",
      `${url}: ${MAX_UNEXPLAINED_FAILURES} handshakes in a row failed without saying why (a refusal, or no server); stopped`,
    );
  }
}
