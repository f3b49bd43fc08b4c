/**
 * Milliseconds the runtime waits for a call to the pub/sub engine (subscribe, unsubscribe,
 * publish, report, count) before it goes on without it: a join then completes locally, a publish
 * counts as reaching this node only, a count answers from this node's own subscribers.
 */
export const ENGINE_TIMEOUT = 2_000;

/**
 * What `work` gives, or `fallback(reason)` when it throws, rejects or takes longer than `ms`:
 * a wait that cannot hang. A result that is not a promise is returned as it is, synchronously,
 * so an in-memory engine costs no promise and no timer.
 */
export function bounded<T>(work: () => T | Promise<T>, ms: number, fallback: (reason: unknown) => T): T | Promise<T> {
  let result: T | Promise<T>;
  try {
    result = work();
  } catch (error) {
    return fallback(error);
  }
  if (!(result instanceof Promise)) return result;
  const pending = result;
  return new Promise<T>((resolve) => {
    const timer = setTimeout(() => resolve(fallback(new Error(`no answer within ${ms} ms`))), ms);
    pending.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        resolve(fallback(error));
      },
    );
  });
}
