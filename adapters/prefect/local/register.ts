import type { StageContext } from 'switchyard/adapter-kit';
import { createScheduleRecord } from 'switchyard/adapter-kit';
import type { ScheduledEtlTask } from '../task-schema.js';

export interface RegistrationOutcome {
  readonly registered: boolean;
  readonly id?: string;
  readonly reason?: string;
}

/** The schedule id a scheduled_etl stage registers under: one per pipeline stage. */
export function etlScheduleId(pipelineName: string, stageId: string): string {
  return `${pipelineName}.${stageId}`.replace(/[^A-Za-z0-9_.:-]+/g, '-').slice(0, 100);
}

/**
 * Upserts the stage's cron schedule in the run store under `<home>`, pointing at the pipeline file
 * the run came from. Idempotent: an unchanged schedule keeps its state (paused, last run); a changed
 * cron or zone is updated in place. Code pipelines (no file) cannot be re-run by a scheduler, so they are not registered.
 */
export async function registerEtlSchedule(task: ScheduledEtlTask, context: StageContext): Promise<RegistrationOutcome> {
  const { openRunStore } = await import('switchyard/adapter-kit');
  const store = await openRunStore(context.home);
  try {
    const run = await store.getRun(context.runId);
    if (!run?.pipelineFile) {
      const reason = run ? 'the pipeline did not come from a file' : 'the run is not in the run store';
      context.emit({ kind: 'schedule.not_registered', message: reason });
      return { registered: false, reason };
    }
    const id = etlScheduleId(context.pipelineName, context.stageId);
    const existing = await store.getSchedule(id);
    const same = existing && existing.cron === task.schedule && existing.timezone === task.timezone && existing.pipelineFile === run.pipelineFile;
    if (!same) {
      const record = createScheduleRecord({
        id,
        pipelineFile: run.pipelineFile,
        cron: task.schedule,
        ...(task.timezone !== undefined ? { timezone: task.timezone } : {}),
        overlap: task.overlap ?? existing?.overlap ?? 'skip',
        missed: task.missed ?? existing?.missed ?? 'skip',
        paused: existing?.paused ?? false,
      });
      await store.saveSchedule({
        ...record,
        ...(existing ? { createdAt: existing.createdAt } : {}),
        ...(existing?.lastRunAt ? { lastRunAt: existing.lastRunAt } : {}),
        ...(existing?.lastRunId ? { lastRunId: existing.lastRunId } : {}),
      });
    }
    context.emit({ kind: 'schedule.registered', message: `${id}: ${task.schedule}${task.timezone ? ` (${task.timezone})` : ''}`, data: { id, changed: !same } });
    return { registered: true, id };
  } finally {
    await store.close();
  }
}
