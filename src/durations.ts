import { z } from 'zod';
import { MAX_TIMER_MS } from './timers.js';

export { MAX_TIMER_MS };

/**
 * A duration in milliseconds that arms a timer (a timeout, a deadline, a retry delay): a whole number from `min`
 * (default 1) to 2^31-1, so no value validates and then fires at once.
 */
export function durationMs(min = 1): z.ZodNumber {
  return z
    .number()
    .int()
    .min(min)
    .max(MAX_TIMER_MS, { error: `expected at most ${MAX_TIMER_MS} ms (about 24.8 days, the longest timer)` });
}
