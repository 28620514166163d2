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
 * The one timeout helper, in two forms.
 *
 * `withTimeout(signal, timeoutMs, label?)`: an optional caller signal combined with an optional timeout (a `TimeoutError`
 * reason, so `abortError` reads it as TIMEOUT; with a label, a TIMEOUT SwitchyardError "`label`: timed out after N ms");
 * the caller's signal itself when there is no timeout.
 *
 * `withTimeout(work, signal, timeoutMs, label?)`: runs `work` with a signal that aborts on the caller's signal or
 * after `timeoutMs` (reason: TIMEOUT "`label`: timed out after N ms"), and rejects as soon as that signal aborts
 * even if the work ignores it (`raceAbort`); the timer is cleared when the work settles. Every timeout that wraps
 * a call (a stage attempt, a DAG node, a tool call) goes through this.
 */
export function withTimeout(signal: AbortSignal | undefined, timeoutMs: number | undefined, label?: string): AbortSignal | undefined;
export function withTimeout<T>(work: (signal: AbortSignal) => T | Promise<T>, signal: AbortSignal | undefined, timeoutMs: number | undefined, label?: string): Promise<T>;
export function withTimeout<T>(
  first: AbortSignal | undefined | ((signal: AbortSignal) => T | Promise<T>),
  second: AbortSignal | number | undefined,
  third?: number | string,
  fourth?: string,
): AbortSignal | undefined | Promise<T> {
  if (typeof first === 'function') return runWithTimeout(first, second as AbortSignal | undefined, third as number | undefined, fourth);
  const ms = second as number | undefined;
  if (ms === undefined) return first;
  const timeout = timeoutSignal(ms, third as string | undefined);
  return first ? AbortSignal.any([first, timeout]) : timeout;
}

async function runWithTimeout<T>(work: (signal: AbortSignal) => T | Promise<T>, parent: AbortSignal | undefined, timeoutMs: number | undefined, label: string | undefined): Promise<T> {
  const outer = parent ?? NEVER_ABORTED;
  if (timeoutMs === undefined) return outer === NEVER_ABORTED ? work(outer) : raceAbort(Promise.resolve(work(outer)), outer);
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(timeoutError(timeoutMs, label)), timeoutMs);
  const onAbort = () => controller.abort(outer.reason);
  if (outer.aborted) onAbort();
  else if (outer !== NEVER_ABORTED) outer.addEventListener('abort', onAbort, { once: true });
  try {
    return await raceAbort(Promise.resolve(work(controller.signal)), controller.signal);
  } finally {
    clearTimeout(timer);
    outer.removeEventListener('abort', onAbort);
  }
}

/**
 * What `AbortSignal.timeout(ms)` promises (a `TimeoutError` reason, a timer that does not keep the process alive),
 * on a timer that holds its controller strongly. On Node 20 an `AbortSignal.timeout` that is referenced only
 * through `AbortSignal.any([...])` can be garbage-collected before it fires, and then the timeout never happens.
 * With a `label`, the reason is `timeoutError(ms, label)` instead.
 */
export function timeoutSignal(ms: number, label?: string): AbortSignal {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(label === undefined ? new DOMException('The operation was aborted due to timeout', 'TimeoutError') : timeoutError(ms, label)), ms);
  timer.unref();
  return controller.signal;
}

/** TIMEOUT: "`label`: timed out after `ms` ms" (just "timed out after ..." without a label). */
export function timeoutError(ms: number, label?: string): SwitchyardError {
  return new SwitchyardError('TIMEOUT', `${label ? `${label}: ` : ''}timed out after ${ms} ms`);
}

const waiters = new WeakMap<AbortSignal, Set<() => void>>();

/**
 * Calls `fn` when `signal` fires; returns the unsubscribe. One real listener per signal fans out to a Set:
 * EventTarget add/remove costs microseconds per call in Node, more than a whole function-agent run.
 */
export function onAbort(signal: AbortSignal, fn: () => void): () => void {
  let set = waiters.get(signal);
  if (!set) {
    const fresh = new Set<() => void>();
    set = fresh;
    waiters.set(signal, fresh);
    signal.addEventListener(
      'abort',
      () => {
        for (const waiter of [...fresh]) waiter();
        fresh.clear();
      },
      { once: true },
    );
  }
  const mine = set;
  mine.add(fn);
  return () => mine.delete(fn);
}

/**
 * `promise`, or a rejection with `abortError(signal)` as soon as `signal` fires, even if the work behind the
 * promise ignores the signal (an adapter that does not honour it cannot hold a run). No signal, or
 * `NEVER_ABORTED`: the promise itself.
 */
export function raceAbort<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal || signal === NEVER_ABORTED) return promise;
  if (signal.aborted) {
    promise.catch(() => {});
    return Promise.reject(abortError(signal));
  }
  return new Promise<T>((resolve, reject) => {
    const off = onAbort(signal, () => {
      promise.catch(() => {});
      reject(abortError(signal));
    });
    promise.then(
      (value) => {
        off();
        resolve(value);
      },
      (error: unknown) => {
        off();
        reject(error);
      },
    );
  });
}
