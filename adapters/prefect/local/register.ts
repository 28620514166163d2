import type { StageContext } from 'switchyard/adapter-kit';
import type { ScheduledEtlTask } from '../task-schema.js';

export interface RegistrationOutcome {
  readonly registered: boolean;
  readonly id?: string;
  readonly reason?: string;
}

/**
 * Asks the hub to keep the stage's cron schedule (`context.schedules`): the hub upserts it in the run store it was
 * given, pointing at the pipeline file the run came from, under `<pipeline>.<stage>`. Idempotent: an unchanged
 * schedule keeps its state (paused, last run); a changed cron or zone is updated in place. When a schedule of the
 * same file and timing already exists under another id (from `switchyard schedule add`), none is added and the
 * outcome names that one. Code pipelines (no file) cannot be re-run by a scheduler, so they are not registered.
 */
export async function registerEtlSchedule(task: ScheduledEtlTask, context: StageContext): Promise<RegistrationOutcome> {
  const outcome = await context.schedules.register({
    cron: task.schedule,
    ...(task.timezone !== undefined ? { timezone: task.timezone } : {}),
    ...(task.overlap !== undefined ? { overlap: task.overlap } : {}),
    ...(task.missed !== undefined ? { missed: task.missed } : {}),
  });
  if (!outcome.registered) {
    context.emit({ kind: 'schedule.not_registered', message: outcome.reason });
    return { registered: false, reason: outcome.reason };
  }
  const { id, changed } = outcome;
  const already = outcome.alreadyScheduled === true;
  const message = `${already ? 'already scheduled as ' : ''}${id}: ${task.schedule}${task.timezone ? ` (${task.timezone})` : ''}`;
  context.emit({ kind: 'schedule.registered', message, data: { id, changed, ...(already ? { alreadyScheduled: true } : {}) } });
  return { registered: true, id };
}
