import { invalidInput } from '../errors.js';

// The zod-free constant: `switchyard select` loads no schema library at start-up.
export { MAX_TIMER_MS } from '../timers.js';

/**
 * A whole-number flag such as `--limit 5`, checked like every other input: digits only (no `1e300`, `0x10`, `5.5`),
 * between `min` and `max`, else one INVALID_INPUT error naming the flag and the range.
 */
export function parseWholeNumber(text: string, flag: string, { min = 1, max = 1_000_000 }: { min?: number; max?: number } = {}): number {
  const value = /^\s*\d{1,16}\s*$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) throw invalidInput(flag, `a whole number from ${min} to ${max}`, text);
  return value;
}
