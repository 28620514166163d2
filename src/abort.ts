import { SwitchyardError } from './errors.js';

/**
 * One signal that never fires, shared by the hub and the adapters: code that gets it can skip listening
 * (creating an AbortController per run costs more than a whole function-agent run).
 */
export const NEVER_ABORTED: AbortSignal = new AbortController().signal;

/**
 * The error for work stopped by `signal`: its reason when that is already a SwitchyardError (a run deadline,
 * a stage timeout), TIMEOUT for `AbortSignal.timeout`, CANCELLED otherwise. `when` ends the message,
 * e.g. `abortError(signal, 'before the stage started')` -> "cancelled before the stage started".
 */
export function abortError(signal: AbortSignal, when?: string): SwitchyardError {
  const reason: unknown = signal.reason;
  if (reason instanceof SwitchyardError) return reason;
  const timedOut = reason instanceof Error && reason.name === 'TimeoutError';
  const message = `${timedOut ? 'timed out' : 'cancelled'}${when ? ` ${when}` : ''}`;
  return new SwitchyardError(timedOut ? 'TIMEOUT' : 'CANCELLED', message, { cause: reason });
}

/** Throws `abortError(signal)` when the signal has fired. */
export function throwIfAborted(signal: AbortSignal | undefined, when?: string): void {
  if (signal?.aborted) throw abortError(signal, when);
}

/**
 * Resolves after `ms`; rejects with `abortError(signal)` as soon as `signal` fires, and clears its timer then,
 * so a cancelled wait does not keep the process alive.
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError(signal));
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError(signal!));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * An optional caller signal combined with an optional timeout (a `TimeoutError` reason, so `abortError` reads
 * it as TIMEOUT); the caller's signal itself when there is no timeout.
 */
export function withTimeout(signal: AbortSignal | undefined, timeoutMs: number | undefined): AbortSignal | undefined {
  if (timeoutMs === undefined) return signal;
  const timeout = timeoutSignal(timeoutMs);
  return signal ? AbortSignal.any([signal, timeout]) : timeout;
}

/**
 * What `AbortSignal.timeout(ms)` promises (a `TimeoutError` reason, a timer that does not keep the process alive),
 * on a timer that holds its controller strongly. On Node 20 an `AbortSignal.timeout` that is referenced only
 * through `AbortSignal.any([...])` can be garbage-collected before it fires, and then the timeout never happens.
 */
export function timeoutSignal(ms: number): AbortSignal {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError')), ms);
  timer.unref();
  return controller.signal;
}

/**
 * `promise`, or a rejection with `abortError(signal)` as soon as `signal` fires, even if the work behind the
 * promise ignores the signal (an adapter that does not honour it cannot hold a run).
 */
export function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    promise.catch(() => {});
    return Promise.reject(abortError(signal));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      promise.catch(() => {});
      reject(abortError(signal));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
