import { randomBytes } from 'node:crypto';
import { basename, extname, resolve } from 'node:path';
import { SwitchyardError } from '../errors.js';
import type { ScheduleRecord } from '../store/types.js';
import { assertCron, nextRunAt } from './timing.js';

export interface NewScheduleOptions {
  readonly pipelineFile: string;
  readonly cron?: string;
  readonly timezone?: string;
  readonly intervalMs?: number;
  readonly input?: unknown;
  /** Default: pipeline file name plus a short random suffix. */
  readonly id?: string;
  /** Default `skip`: do not start while the last run is still going. */
  readonly overlap?: 'skip' | 'allow';
  /** Default `skip`: runs missed while no scheduler ran are dropped; `run-once` runs one on start. */
  readonly missed?: 'skip' | 'run-once';
  readonly paused?: boolean;
  readonly now?: Date;
}

/** A schedule id: letters, digits, `_ . : -`, at most 100 characters. `path` names it in the error (`--id` on the CLI). */
export function assertScheduleId(id: string, path = 'id'): void {
  if (!/^[A-Za-z0-9_.:-]{1,100}$/.test(id)) {
    throw new SwitchyardError('INVALID_INPUT', `${path}: expected letters, digits, _ . : - (at most 100); got ${JSON.stringify(id)}`, { path, got: id });
  }
}

/** Validates the timing and builds a ScheduleRecord with defaults applied once, here. */
export function createScheduleRecord(options: NewScheduleOptions): ScheduleRecord {
  const hasCron = options.cron !== undefined;
  const hasInterval = options.intervalMs !== undefined;
  if (hasCron === hasInterval) {
    throw new SwitchyardError('INVALID_INPUT', 'schedule: expected exactly one of a cron expression (--cron) or an interval (--every)', {
      path: 'schedule',
      expected: 'exactly one of cron or interval',
    });
  }
  if (hasCron) assertCron(options.cron!, options.timezone);
  if (!hasCron && options.timezone !== undefined) {
    throw new SwitchyardError('INVALID_INPUT', 'timezone: expected only with a cron expression; intervals do not depend on a time zone', { path: 'timezone' });
  }
  if (options.id !== undefined) assertScheduleId(options.id);
  const now = options.now ?? new Date();
  const pipelineFile = resolve(options.pipelineFile);
  const base = {
    id: options.id ?? `${basename(pipelineFile, extname(pipelineFile)).replace(/[^A-Za-z0-9_.-]+/g, '-')}-${randomBytes(3).toString('hex')}`,
    pipelineFile,
    ...(hasCron ? { cron: options.cron!.trim() } : { intervalMs: options.intervalMs! }),
    ...(options.timezone !== undefined ? { timezone: options.timezone } : {}),
    ...(options.input !== undefined ? { input: options.input } : {}),
    paused: options.paused ?? false,
    overlap: options.overlap ?? 'skip',
    missed: options.missed ?? 'skip',
    createdAt: now.toISOString(),
  } satisfies ScheduleRecord;
  return { ...base, nextRunAt: nextRunAt(base, now).toISOString() };
}
