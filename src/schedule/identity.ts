import { resolve } from 'node:path';
import { CronExpressionParser } from 'cron-parser';
import type { ScheduleRecord } from '../store/types.js';

/** What makes two schedules the same firing: the pipeline file and the timing (cron and zone, or interval). */
export type ScheduleTiming = Pick<ScheduleRecord, 'pipelineFile' | 'cron' | 'timezone' | 'intervalMs'>;

/**
 * One key per pipeline file and timing. Cron expressions are compared by what they fire on, not by spelling
 * (`0 3 * * *`, `0 0 3 * * *` and `0  3 * * *` are one key, as are `@daily` and `0 0 * * *`); a missing zone is
 * UTC; an interval is its milliseconds. Two schedules with one key would run the pipeline twice at each firing.
 */
export function scheduleIdentity(schedule: ScheduleTiming): string {
  const file = resolve(schedule.pipelineFile);
  if (schedule.cron === undefined) return JSON.stringify([file, 'every', schedule.intervalMs ?? null]);
  const zone = canonicalZone(schedule.timezone);
  return JSON.stringify([file, 'cron', canonicalCron(schedule.cron, zone), zone]);
}

/** The first schedule in `schedules` (other than `exceptId`) that fires the same pipeline file at the same times. */
export function findSameSchedule(schedules: readonly ScheduleRecord[], timing: ScheduleTiming, exceptId?: string): ScheduleRecord | undefined {
  const key = scheduleIdentity(timing);
  return schedules.find((s) => s.id !== exceptId && scheduleIdentity(s) === key);
}

function canonicalZone(zone: string | undefined): string {
  if (zone === undefined) return 'UTC';
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    return zone;
  }
}

function canonicalCron(expression: string, zone: string): string {
  try {
    return CronExpressionParser.parse(expression, { tz: zone }).stringify(true);
  } catch {
    return expression.trim().split(/\s+/).join(' ');
  }
}
