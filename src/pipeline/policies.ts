import pRetry from 'p-retry';
import { NEVER_ABORTED, raceAbort } from '../abort.js';
import { SwitchyardError } from '../errors.js';
import type { RetryPolicy } from './schema.js';


/**
 * Runs `work` with a signal that aborts on the parent signal or after `timeoutMs`, and rejects as soon as
 * that signal aborts even if the work ignores it (an adapter that does not honour its signal cannot hold a run).
 */
export function withTimeout<T>(work: (signal: AbortSignal) => Promise<T>, parent: AbortSignal, timeoutMs: number | undefined, label: string): Promise<T> {
  if (timeoutMs === undefined) {
    if (parent === NEVER_ABORTED) return work(parent);
    return raceAbort(work(parent), parent);
  }
  return withTimer(work, parent, timeoutMs, label);
}

async function withTimer<T>(work: (signal: AbortSignal) => Promise<T>, parent: AbortSignal, timeoutMs: number, label: string): Promise<T> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new SwitchyardError('TIMEOUT', `${label}: timed out after ${timeoutMs} ms`)), timeoutMs);
  const onAbort = () => controller.abort(parent.reason);
  if (parent.aborted) onAbort();
  else parent.addEventListener('abort', onAbort, { once: true });
  try {
    return await raceAbort(work(controller.signal), controller.signal);
  } finally {
    clearTimeout(timer);
    parent.removeEventListener('abort', onAbort);
  }
}

export interface RetryHooks {
  /** Called before waiting for the next attempt. */
  onRetry(error: SwitchyardError, attempt: number, delayMs: number): void | Promise<void>;
}

const NOT_RETRIED = new Set(['INVALID_INPUT', 'INVALID_PIPELINE', 'CANCELLED', 'UNKNOWN_ORCHESTRATOR', 'NOT_FOUND', 'CONFLICT', 'MODEL_NOT_CONFIGURED']);

/** The nominal delay before retry `attempt + 1` (jitter multiplies it by 1 to 2). */
export function retryDelay(policy: RetryPolicy, attempt: number): number {
  const min = policy.minDelayMs ?? 100;
  const factor = policy.backoff === 'fixed' ? 1 : (policy.factor ?? 2);
  return Math.min(policy.maxDelayMs ?? 30_000, Math.round(min * factor ** (attempt - 1)));
}

/** Retries `attempt(n)` with p-retry: backoff, jitter, and only the error codes the policy names. */
export function withRetry<T>(attempt: (n: number) => Promise<T>, policy: RetryPolicy, signal: AbortSignal, hooks: RetryHooks): Promise<T> {
  const attempts = policy.attempts ?? 3;
  const on = policy.on ? new Set(policy.on) : undefined;
  return pRetry(attempt, {
    retries: attempts - 1,
    factor: policy.backoff === 'fixed' ? 1 : (policy.factor ?? 2),
    minTimeout: policy.minDelayMs ?? 100,
    maxTimeout: policy.maxDelayMs ?? 30_000,
    randomize: policy.jitter ?? true,
    ...(signal === NEVER_ABORTED ? {} : { signal }),
    shouldRetry: (error) => {
      if (signal.aborted) return false;
      const code = (error as unknown as SwitchyardError).code;
      return on ? on.has(code) : !NOT_RETRIED.has(code);
    },
    onFailedAttempt: async (error) => {
      if (error.retriesLeft <= 0 || signal.aborted) return;
      const code = (error as unknown as SwitchyardError).code;
      if (on ? !on.has(code) : NOT_RETRIED.has(code)) return;
      await hooks.onRetry(error as unknown as SwitchyardError, error.attemptNumber, retryDelay(policy, error.attemptNumber));
    },
  });
}
