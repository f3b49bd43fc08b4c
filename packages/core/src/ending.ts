import type { CloseCause, CloseInfo, Lifecycle } from "./lifecycle.js";
import type { RuntimeContext, Tracked } from "./runtime-context.js";

/** Why the server ended a connection, recorded when it decides, reported when the socket is gone. */
export interface Ending {
  readonly cause: CloseCause;
  readonly code: number;
  readonly reason: string;
  readonly error?: unknown;
  readonly status?: number;
}

/**
 * A connection is gone: its bytes and how it ended are counted, its end-of-connection hooks run
 * (a hook that throws is logged), and then the runtime forgets it.
 */
export function reportEnd(
  runtime: RuntimeContext,
  connection: Tracked & { readonly id: string },
  lifecycle: Lifecycle,
  info: CloseInfo,
  bytes: { readonly in: number; readonly out: number },
  wasOpen: boolean,
): void {
  const { counters, logger } = runtime;
  counters.bytesIn += bytes.in;
  counters.bytesOut += bytes.out;
  if (info.status !== undefined) counters.rejectedWith(info.status);
  else counters.closes[info.cause]++;
  const hooks = lifecycle.end(info, (error, hook) => logger.error({ connection: connection.id, err: error }, `${hook} hook threw`));
  // Without hooks (most connections) it is over now: no promise to wait for.
  if (hooks === undefined) runtime.ended(connection, wasOpen);
  else void hooks.finally(() => runtime.ended(connection, wasOpen)).catch(() => {});
}
