import { SwitchyardError, toSwitchyardError } from 'switchyard/adapter-kit';

/**
 * Runs `work` with a signal of its own that follows `signal`, and removes the listener from `signal` when the work ends.
 * Clients that add an abort listener per request and never remove it (the `openai` client does) then add it to the
 * short-lived signal, so a run's signal does not collect one listener per request or stage.
 */
export async function withRequestSignal<T>(signal: AbortSignal | undefined, work: (signal: AbortSignal | undefined) => Promise<T>): Promise<T> {
  if (!signal) return work(undefined);
  signal.throwIfAborted();
  const controller = new AbortController();
  const follow = () => controller.abort(signal.reason);
  signal.addEventListener('abort', follow, { once: true });
  try {
    return await work(controller.signal);
  } finally {
    signal.removeEventListener('abort', follow);
  }
}

/**
 * A promise that rejects when `signal` aborts (with `reason()` or the signal's reason), and `dispose` to remove its
 * listener once the work it races against is over.
 */
export function abortPromise(signal: AbortSignal, reason?: () => unknown): { readonly promise: Promise<never>; dispose(): void } {
  let onAbort: () => void = () => undefined;
  const promise = new Promise<never>((_, reject) => {
    onAbort = () => reject(reason ? reason() : toSwitchyardError(signal.reason ?? new SwitchyardError('CANCELLED', 'cancelled')));
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  promise.catch(() => undefined);
  return { promise, dispose: () => signal.removeEventListener('abort', onAbort) };
}
