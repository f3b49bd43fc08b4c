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

/** What a middleware may run when its connection ends; see {@link lifecycleOf}. */
export interface LifecycleListener {
  /** The client ended the connection (close frame or drop); runs before `close`. */
  disconnect?(info: DisconnectInfo): unknown;
  /** The connection has ended, whoever ended it and however; runs exactly once. */
  close?(info: CloseInfo): unknown;
}

/** The end of one connection, as middleware sees it: a place to add listeners. */
export interface ConnectionLifecycle {
  /** Adds `listener`; listeners run innermost first, like `finally` blocks. */
  add(listener: LifecycleListener): void;
}

/**
 * The lifecycles of this copy of the package's live connections, by connection id: the id is
 * plain data that every copy of a scope keeps, spread or extended, so the scope itself needs to
 * hold no runtime object.
 */
const live = new Map<string, Lifecycle>();

/** The signal of a connection that has ended and been forgotten. */
const ENDED = AbortSignal.abort();

/**
 * The end of one connection: its abort signal and its end-of-connection listeners. Registered
 * under the connection's id from construction until {@link Lifecycle.end} has run the listeners.
 * The runtime makes one per connection; a test harness (`collect()`) makes one per run.
 */
export class Lifecycle implements ConnectionLifecycle {
  readonly #id: string;
  /** Made by the first `add` (most connections have no hooks); `null` once ended. */
  #listeners: LifecycleListener[] | undefined | null;
  /** Made when a handler first reads `scope.signal`: an AbortSignal costs most of a kilobyte. */
  #abort: AbortController | undefined;

  constructor(id: string) {
    if (live.has(id)) throw new Error(`connection ${id} is already running`);
    this.#id = id;
    live.set(id, this);
  }

  get signal(): AbortSignal {
    if (this.#abort === undefined) {
      this.#abort = new AbortController();
      if (this.#listeners === null) this.#abort.abort();
    }
    return this.#abort.signal;
  }

  add(listener: LifecycleListener): void {
    if (this.#listeners === null) throw new Error("connection already ended");
    (this.#listeners ??= []).push(listener);
  }

  /**
   * Aborts the signal at once, then runs the listeners, a listener that throws logged without
   * stopping the others. Runs once. Returns undefined when it is done already (no listeners: most
   * connections), else a promise that resolves when every listener has settled.
   */
  end(info: CloseInfo, log: (error: unknown, hook: string) => void): Promise<void> | undefined {
    if (this.#listeners === null) return undefined;
    const listeners = this.#listeners?.reverse();
    this.#listeners = null;
    this.#abort?.abort();
    if (listeners !== undefined) return this.#run(listeners, info, log);
    live.delete(this.#id);
    return undefined;
  }

  async #run(listeners: readonly LifecycleListener[], info: CloseInfo, log: (error: unknown, hook: string) => void): Promise<void> {
    try {
      if (info.cause === "client") {
        for (const l of listeners) {
          if (l.disconnect) await settle(() => l.disconnect?.({ code: info.code, reason: info.reason }), log, "onDisconnect");
        }
      }
      for (const l of listeners) {
        if (l.close) await settle(() => l.close?.(info), log, "onClose");
      }
    } finally {
      live.delete(this.#id);
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

/**
 * The lifecycle of the live connection `scope` belongs to, for middleware that must run something
 * when it ends (release a slot, leave a room). Throws when this copy of `@scallion/core` runs no
 * such connection: the scope was made by hand, or by another copy of the package (`npm ls
 * @scallion/core` shows them), whose connections this copy cannot see.
 *
 * @example
 * lifecycleOf(scope).add({ close: ({ code }) => metrics.closed(code) });
 */
export function lifecycleOf(scope: { readonly id: string }): ConnectionLifecycle {
  const lifecycle = live.get(scope.id);
  if (lifecycle === undefined) {
    throw new TypeError(
      `lifecycleOf(): connection ${String(scope.id)} is not running here: its scope was made by hand ` +
        "(use testScope() and collect() from @scallion/testing), or by another copy of @scallion/core " +
        "(run `npm ls @scallion/core`: every package must share one)",
    );
  }
  return lifecycle;
}

/** `scope.signal`: the signal of the connection with this id, aborted once it has ended. */
export function signalOf(id: string): AbortSignal {
  return live.get(id)?.signal ?? ENDED;
}
