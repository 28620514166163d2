import type { ScheduleRegistration, ScheduleRequest, StageSchedules } from '../adapter.js';
import type { RunStore } from '../store/types.js';
import { findSameSchedule } from './identity.js';
import { createScheduleRecord } from './records.js';

/**
 * Where registered schedules go: the run store the hub was given, or an in-memory stand-in. With `listSchedules`
 * a registration finds a schedule of the same file and timing under another id (added by `switchyard schedule add`)
 * and adds no second one; with `removeSchedule` too, a stage schedule whose timing moved onto such a schedule is
 * removed rather than left to fire at its old time.
 */
export type ScheduleSink = Pick<RunStore, 'getSchedule' | 'saveSchedule'> & Partial<Pick<RunStore, 'listSchedules' | 'removeSchedule'>>;

/** The schedule id a stage registers under unless it names one: one per pipeline stage. */
export function stageScheduleId(pipelineName: string, stageId: string): string {
  return `${pipelineName}.${stageId}`.replace(/[^A-Za-z0-9_.:-]+/g, '-').slice(0, 100);
}

/** What a stage's `context.schedules` needs to know about its run. */
export interface StageScheduleScope {
  /** The run's pipeline file (absolute); undefined for code pipelines. */
  readonly pipelineFile: string | undefined;
  readonly pipelineName: string;
  readonly stageId: string;
}

/**
 * Upserts a stage's cron schedule in `store`, pointing at the run's pipeline file. Idempotent: an unchanged
 * schedule (same cron, zone and file) is not written again and keeps its state (paused, last run); a changed one is
 * updated in place, keeping its creation time and last run. Code pipelines cannot be re-run by a scheduler.
 * One schedule per file and timing: when another schedule (say one from `switchyard schedule add`) already fires
 * this file at these times, nothing is added and its id is returned with `alreadyScheduled`; the stage's own
 * schedule, if its timing has just moved onto that one, is removed.
 */
export async function registerStageSchedule(store: ScheduleSink, scope: StageScheduleScope, request: ScheduleRequest): Promise<ScheduleRegistration> {
  if (!scope.pipelineFile) return { registered: false, reason: 'the pipeline did not come from a file' };
  const id = request.id ?? stageScheduleId(scope.pipelineName, scope.stageId);
  const existing = await store.getSchedule(id);
  const same = existing !== undefined && existing.cron === request.cron && existing.timezone === request.timezone && existing.pipelineFile === scope.pipelineFile;
  if (!same && store.listSchedules) {
    const timing = { pipelineFile: scope.pipelineFile, cron: request.cron, ...(request.timezone !== undefined ? { timezone: request.timezone } : {}) };
    const other = findSameSchedule(await store.listSchedules(), timing, id);
    if (other) {
      const removed = existing !== undefined && store.removeSchedule !== undefined && (await store.removeSchedule(id));
      return { registered: true, id: other.id, changed: removed, alreadyScheduled: true };
    }
  }
  if (!same) {
    const record = createScheduleRecord({
      id,
      pipelineFile: scope.pipelineFile,
      cron: request.cron,
      ...(request.timezone !== undefined ? { timezone: request.timezone } : {}),
      overlap: request.overlap ?? existing?.overlap ?? 'skip',
      missed: request.missed ?? existing?.missed ?? 'skip',
      paused: existing?.paused ?? false,
    });
    await store.saveSchedule({
      ...record,
      ...(existing ? { createdAt: existing.createdAt } : {}),
      ...(existing?.lastRunAt ? { lastRunAt: existing.lastRunAt } : {}),
      ...(existing?.lastRunId ? { lastRunId: existing.lastRunId } : {}),
    });
  }
  return { registered: true, id, changed: !same };
}

/** `context.schedules` for one stage: registrations go to `store` (one small object per stage attempt). */
export class StageScheduleRegistry implements StageSchedules, StageScheduleScope {
  readonly #store: ScheduleSink;
  readonly pipelineFile: string | undefined;
  readonly pipelineName: string;
  readonly stageId: string;

  constructor(store: ScheduleSink, pipelineFile: string | undefined, pipelineName: string, stageId: string) {
    this.#store = store;
    this.pipelineFile = pipelineFile;
    this.pipelineName = pipelineName;
    this.stageId = stageId;
  }

  register(request: ScheduleRequest): Promise<ScheduleRegistration> {
    return registerStageSchedule(this.#store, this, request);
  }
}
