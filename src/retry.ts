import { z } from 'zod';
import { durationMs } from './durations.js';
import { NEVER_ABORTED, sleep, throwIfAborted } from './abort.js';
import { ERROR_CODES, SwitchyardError, toSwitchyardError } from './errors.js';
import type { ErrorCode } from './errors.js';

/**
 * The one retry shape: stages, LangGraph nodes, Prefect DAG nodes and agno model calls all take
 * `retry: { attempts, backoff, minDelayMs, maxDelayMs, factor, jitter, on }` with the same defaults and meaning.
 * Engines apply it their own way (LangGraph through its RetryPolicy, the others through `withRetry`).
 */
export const retrySchema = z
  .strictObject({
    attempts: z.number().int().min(1).max(100).describe('Total attempts including the first (default 3 when retry is given).').optional(),
    backoff: z.enum(['exponential', 'fixed']).describe('Delay growth between attempts (default exponential).').optional(),
    minDelayMs: durationMs(0).describe('Delay before the first retry (default 100).').optional(),
    maxDelayMs: durationMs(0).describe('Largest delay (default 30000).').optional(),
    factor: z.number().min(1).describe('Exponential factor (default 2).').optional(),
    jitter: z.boolean().describe('Randomise each delay between 1x and 2x (default true).').optional(),
    on: z.array(z.string().min(1)).min(1).describe('Error codes worth retrying (default: any error except invalid input and cancellation).').optional(),
  })
  .describe('Retry on failure, with backoff.');

export type RetryPolicy = z.infer<typeof retrySchema>;

/** A policy with every default applied (see `resolveRetry`). `on` stays undefined for the default choice of errors. */
export interface ResolvedRetry {
  readonly attempts: number;
  readonly backoff: 'exponential' | 'fixed';
  readonly minDelayMs: number;
  readonly maxDelayMs: number;
  /** 1 for `backoff: fixed`. */
  readonly factor: number;
  readonly jitter: boolean;
  readonly on: readonly string[] | undefined;
}

export const RETRY_DEFAULTS = { attempts: 3, backoff: 'exponential', minDelayMs: 100, maxDelayMs: 30_000, factor: 2, jitter: true } as const;

const RESOLVED: unique symbol = Symbol('switchyard.resolvedRetry');

/** Applies the defaults once: `{ attempts: 3, backoff: exponential, minDelayMs: 100, maxDelayMs: 30000, factor: 2, jitter: true }`. */
export function resolveRetry(policy: RetryPolicy | ResolvedRetry): ResolvedRetry {
  if ((policy as { [RESOLVED]?: true })[RESOLVED]) return policy as ResolvedRetry;
  const backoff = policy.backoff ?? RETRY_DEFAULTS.backoff;
  const resolved: ResolvedRetry & { [RESOLVED]: true } = {
    [RESOLVED]: true,
    attempts: policy.attempts ?? RETRY_DEFAULTS.attempts,
    backoff,
    minDelayMs: policy.minDelayMs ?? RETRY_DEFAULTS.minDelayMs,
    maxDelayMs: policy.maxDelayMs ?? RETRY_DEFAULTS.maxDelayMs,
    factor: backoff === 'fixed' ? 1 : (policy.factor ?? RETRY_DEFAULTS.factor),
    jitter: policy.jitter ?? RETRY_DEFAULTS.jitter,
    on: policy.on,
  };
  return resolved;
}

/** The nominal delay before retry `attempt + 1` (jitter multiplies it by 1 to 2, still capped at maxDelayMs). */
export function retryDelay(policy: RetryPolicy | ResolvedRetry, attempt: number): number {
  const p = resolveRetry(policy);
  return Math.min(p.maxDelayMs, Math.round(p.minDelayMs * p.factor ** (attempt - 1)));
}

/** The delay actually waited before retry `attempt + 1`: the nominal one, randomised by jitter. */
export function jitteredDelay(policy: RetryPolicy | ResolvedRetry, attempt: number): number {
  const p = resolveRetry(policy);
  const nominal = retryDelay(p, attempt);
  return p.jitter ? Math.min(p.maxDelayMs, Math.round(nominal * (1 + Math.random()))) : nominal;
}

/** The switchyard error code of anything thrown (duck-typed, so an error from another copy of the library counts too). */
export function errorCodeOf(error: unknown): ErrorCode {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && Object.hasOwn(ERROR_CODES, code)) return code as ErrorCode;
  return toSwitchyardError(error).code;
}

/**
 * Whether an error is worth another attempt under `policy`: cancellation never is; with `on`, only the codes it
 * lists; otherwise anything but a user's mistake (invalid input or pipeline, unknown names, a missing model).
 */
export function isRetryable(error: unknown, policy: RetryPolicy | ResolvedRetry): boolean {
  const code = errorCodeOf(error);
  if (code === 'CANCELLED') return false;
  const on = policy.on;
  return on ? on.includes(code) : !ERROR_CODES[code].user;
}

export interface RetryHooks {
  /** Called before waiting for the next attempt, with the delay about to be waited. */
  onRetry?(error: SwitchyardError, attempt: number, delayMs: number): void | Promise<void>;
  /** Whether `error` is worth another attempt; default `isRetryable(error, policy)`. */
  retryable?(error: unknown): boolean;
  /** The wait before the next attempt given the policy's own (`delayMs`), e.g. a server's Retry-After; capped at maxDelayMs. */
  delayMs?(error: unknown, attempt: number, delayMs: number): number;
}

/**
 * Runs `attempt(1)`, `attempt(2)`, ... until one succeeds, the policy's attempts are used up or an error is not
 * worth retrying (then that error is thrown as it was). Waits `jitteredDelay` between attempts; `signal` stops
 * the retries: an abort during a wait rejects with `abortError(signal)`, and no attempt starts once it fired.
 */
export async function withRetry<T>(attempt: (n: number) => Promise<T>, policy: RetryPolicy | ResolvedRetry, signal: AbortSignal | undefined = NEVER_ABORTED, hooks: RetryHooks = {}): Promise<T> {
  const p = resolveRetry(policy);
  for (let n = 1; ; n++) {
    throwIfAborted(signal);
    try {
      return await attempt(n);
    } catch (error) {
      if (n >= p.attempts || signal.aborted || !(hooks.retryable ? hooks.retryable(error) : isRetryable(error, p))) throw error;
      const planned = jitteredDelay(p, n);
      const delayMs = hooks.delayMs ? Math.min(p.maxDelayMs, Math.max(0, hooks.delayMs(error, n, planned))) : planned;
      await hooks.onRetry?.(toSwitchyardError(error), n, delayMs);
      if (delayMs > 0) await sleep(delayMs, signal === NEVER_ABORTED ? undefined : signal);
    }
  }
}

/** A policy in the flow style pipeline files use, for messages: `{ attempts: 4, minDelayMs: 50 }`. */
export function describeRetry(policy: RetryPolicy): string {
  const fields = Object.entries(policy)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${key}: ${Array.isArray(value) ? `[${value.join(', ')}]` : String(value)}`);
  return fields.length === 0 ? '{}' : `{ ${fields.join(', ')} }`;
}
