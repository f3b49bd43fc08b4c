// eslint-disable-next-line @typescript-eslint/no-explicit-any -- listeners of different events share one map
type Listener = (...args: any[]) => void;

/** A minimal typed event emitter; a listener that throws is reported, not allowed to break the client. */
export class Emitter<Events extends { [K in keyof Events]: unknown[] }> {
  #listeners = new Map<keyof Events, Set<Listener>>();

  on<K extends keyof Events>(event: K, listener: (...args: Events[K]) => void): () => void {
    let set = this.#listeners.get(event);
    if (set === undefined) this.#listeners.set(event, (set = new Set()));
    set.add(listener as Listener);
    return () => this.off(event, listener);
  }

  off<K extends keyof Events>(event: K, listener: (...args: Events[K]) => void): void {
    this.#listeners.get(event)?.delete(listener as Listener);
  }

  emit<K extends keyof Events>(event: K, ...args: Events[K]): void {
    const set = this.#listeners.get(event);
    if (set === undefined) return;
    for (const listener of [...set]) {
      try {
        (listener as (...a: Events[K]) => void)(...args);
      } catch (error) {
        // Rethrown on its own turn, as an uncaught error the page or process reports, so one
        // faulty listener neither hides the fault nor stops the others or the client's own work.
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }
}
