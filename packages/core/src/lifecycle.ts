/** Why a connection ended. */
export type CloseCause = "client" | "server" | "heartbeat" | "error" | "shutdown" | "backpressure";

/** How a connection ended, as `onClose` sees it. */
export interface CloseInfo {
  /** The close code: sent by whoever closed first; 1006 when the connection dropped or never opened. */
  readonly code: number;
  readonly reason: string;
  readonly cause: CloseCause;
  /** The error behind `cause: "error"`: what the handler threw, or the client's protocol violation. */
  readonly error?: unknown;
  /** The HTTP status, when the handshake was refused and no WebSocket ever opened. */
  readonly status?: number;
}

/** What `onDisconnect` sees: the close frame the client sent (1005 without a code, 1006 on a drop). */
export interface DisconnectInfo {
  readonly code: number;
  readonly reason: string;
}

interface LifecycleListener {
  disconnect?(info: DisconnectInfo): unknown;
  close?(info: CloseInfo): unknown;
}

/** Registered by the runtime on every scope; `hooks()` middleware attaches listeners to it. */
export const kLifecycle: unique symbol = Symbol.for("scallion.lifecycle");

/**
 * The end-of-connection listeners of one connection. The runtime calls {@link Lifecycle.end}
 * exactly once; listeners run innermost first, like `finally` blocks, and a listener that throws
 * is logged without stopping the others.
 */
export class Lifecycle {
  /** Made by the first `add`: most connections have no hooks. */
  #listeners: LifecycleListener[] | undefined;
  #ended = false;

  add(listener: LifecycleListener): void {
    if (this.#ended) throw new Error("connection already ended");
    (this.#listeners ??= []).push(listener);
  }

  async end(info: CloseInfo, log: (error: unknown, hook: string) => void): Promise<void> {
    if (this.#ended) return;
    this.#ended = true;
    const listeners = this.#listeners?.reverse();
    this.#listeners = undefined;
    if (listeners === undefined) return;
    if (info.cause === "client") {
      for (const l of listeners) {
        if (l.disconnect) await settle(() => l.disconnect?.({ code: info.code, reason: info.reason }), log, "onDisconnect");
      }
    }
    for (const l of listeners) {
      if (l.close) await settle(() => l.close?.(info), log, "onClose");
    }
  }
}

async function settle(run: () => unknown, log: (error: unknown, hook: string) => void, hook: string): Promise<void> {
  try {
    await run();
  } catch (error) {
    log(error, hook);
  }
}

/** The lifecycle of the connection `scope` belongs to, or undefined outside the runtime. */
export function lifecycleOf(scope: object): Lifecycle | undefined {
  return (scope as { [kLifecycle]?: Lifecycle })[kLifecycle];
}

