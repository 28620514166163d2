import { CronExpressionParser } from 'cron-parser';
import { SwitchyardError, describeValue } from '../errors.js';
import type { ScheduleRecord } from '../store/types.js';

/** Throws one clear INVALID_INPUT error unless `zone` is an IANA time zone such as `Europe/Paris` or `UTC`. */
export function assertTimezone(zone: string, path = 'timezone'): void {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
  } catch {
    throw new SwitchyardError('INVALID_INPUT', `${path}: expected an IANA time zone such as "UTC" or "Europe/Paris"; got ${describeValue(zone)}`, {
      path,
      expected: 'an IANA time zone',
      got: zone,
    });
  }
}

/**
 * Throws one clear INVALID_INPUT error unless `expression` is a cron expression:
 * 5 fields (minute hour day-of-month month day-of-week), 6 with leading seconds, or @daily-style aliases.
 */
export function assertCron(expression: string, timezone?: string, path = 'cron', timezonePath = siblingTimezonePath(path)): void {
  if (timezone !== undefined) assertTimezone(timezone, timezonePath);
  const fields = expression.trim().split(/\s+/);
  const alias = expression.trim().startsWith('@');
  if (!alias && (fields.length < 5 || fields.length > 6)) {
    throw cronError(path, expression, `it has ${fields.length} field${fields.length === 1 ? '' : 's'}`);
  }
  try {
    CronExpressionParser.parse(expression, { tz: timezone ?? 'UTC' }).next();
  } catch (error) {
    throw cronError(path, expression, (error as Error).message);
  }
}

/**
 * Where the time zone sits next to the cron expression at `path`: `--cron` -> `--tz`,
 * `stages[0].task.schedule` -> `stages[0].task.timezone`, `cron` -> `timezone`.
 */
function siblingTimezonePath(path: string): string {
  if (path.startsWith('--')) return '--tz';
  const dot = path.lastIndexOf('.');
  return dot < 0 ? 'timezone' : `${path.slice(0, dot)}.timezone`;
}

function cronError(path: string, expression: string, why: string): SwitchyardError {
  return new SwitchyardError(
    'INVALID_INPUT',
    `${path}: expected a cron expression such as "0 2 * * *" (minute hour day month weekday, optional leading seconds); got ${JSON.stringify(expression)} (${why})`,
    { path, expected: 'a cron expression', got: expression },
  );
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, sec: 1000, m: 60_000, min: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * `500ms`, `1s`, `5m`, `2h`, `1d`, combinations like `1h30m`, or plain milliseconds. `max` bounds the result
 * (a duration that arms one Node timer must stay within 2^31-1 ms, or the timer fires after about 1 ms).
 */
export function parseDuration(text: string, path = 'every', max = Number.MAX_SAFE_INTEGER): number {
  const trimmed = text.trim();
  if (/^\d{1,16}$/.test(trimmed)) return positive(Number(trimmed), text, path, max);
  const pattern = /(\d+(?:\.\d+)?)\s*(ms|sec|min|s|m|h|d)/gy;
  let total = 0;
  let consumed = 0;
  for (const match of trimmed.matchAll(pattern)) {
    total += Number(match[1]) * UNITS[match[2]!]!;
    consumed += match[0].length;
  }
  if (consumed !== trimmed.length || consumed === 0) {
    throw new SwitchyardError('INVALID_INPUT', `${path}: expected a duration such as "30s", "5m", "1h30m" or milliseconds; got ${JSON.stringify(text)}`, {
      path,
      expected: 'a duration',
      got: text,
    });
  }
  return positive(Math.round(total), text, path, max);
}

function positive(ms: number, text: string, path: string, max: number): number {
  if (ms < 1) throw new SwitchyardError('INVALID_INPUT', `${path}: expected a duration of at least 1 ms; got ${JSON.stringify(text)}`, { path, got: text });
  if (!(ms <= max)) throw new SwitchyardError('INVALID_INPUT', `${path}: expected a duration of at most ${max} ms; got ${JSON.stringify(text)}`, { path, got: text });
  return ms;
}

/** The first time strictly after `after` the schedule is due, from its cron (in its zone) or its interval. */
export function nextRunAt(schedule: Pick<ScheduleRecord, 'cron' | 'timezone' | 'intervalMs' | 'createdAt' | 'lastRunAt'>, after: Date = new Date()): Date {
  if (schedule.cron !== undefined) {
    return CronExpressionParser.parse(schedule.cron, { tz: schedule.timezone ?? 'UTC', currentDate: after }).next().toDate();
  }
  if (schedule.intervalMs !== undefined) {
    const anchor = Date.parse(schedule.lastRunAt ?? schedule.createdAt);
    const base = Number.isFinite(anchor) ? anchor : after.getTime();
    const steps = Math.max(1, Math.floor((after.getTime() - base) / schedule.intervalMs) + 1);
    return new Date(base + steps * schedule.intervalMs);
  }
  throw new SwitchyardError('INVALID_INPUT', 'schedule: expected a cron expression or an interval', { path: 'schedule' });
}

/** Human-readable description for tables: `cron 0 2 * * * (Europe/Paris)` or `every 5m`. */
export function describeSchedule(schedule: Pick<ScheduleRecord, 'cron' | 'timezone' | 'intervalMs'>): string {
  if (schedule.cron !== undefined) return `cron ${schedule.cron}${schedule.timezone ? ` (${schedule.timezone})` : ''}`;
  return `every ${formatDuration(schedule.intervalMs ?? 0)}`;
}

export function formatDuration(ms: number): string {
  for (const [unit, size] of [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1000]] as const) {
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}
