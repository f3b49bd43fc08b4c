/** One end of an IPC channel: `process` in a worker, a `Worker` in the primary. */
export interface Channel {
  send(message: unknown, handle: undefined, options: undefined, callback: (error: Error | null) => void): boolean;
}

/**
 * Messages handed to an IPC channel and not yet written to it. Node queues what the pipe cannot
 * take without limit, so whoever sends through here looks at `full` first: a peer that stops
 * reading (hung, stopped) then costs at most `max` queued messages, never more.
 */
export class Backlog {
  readonly #channel: Channel;
  readonly #max: number;
  #unsent = 0;

  constructor(channel: Channel, max: number) {
    this.#channel = channel;
    this.#max = max;
  }

  /** Messages waiting to be written. */
  get unsent(): number {
    return this.#unsent;
  }

  get full(): boolean {
    return this.#unsent >= this.#max;
  }

  /** Sends `message`; `written` is told whether it was (false: the channel is closed). */
  send(message: unknown, written?: (ok: boolean) => void): void {
    this.#unsent++;
    const done = (error: Error | null | undefined): void => {
      this.#unsent--;
      written?.(!error);
    };
    try {
      this.#channel.send(message, undefined, undefined, done);
    } catch (error) {
      done(error as Error); // not serializable: nothing was queued
    }
  }
}
