import { BUILTIN_SCHEDULER } from '../../builtin-adapters.js';
import { HybridOrchestrator } from '../../pipeline/orchestrator.js';
import { createPipelineRunner } from '../../schedule/pipeline-runner.js';
import { parseDuration } from '../../schedule/timing.js';
import type { SchedulerEvent } from '../../schedule/types.js';
import { openRunStore } from '../../store/index.js';
import { onStopSignals } from '../stop-signals.js';

/** Runs the scheduler until SIGINT/SIGTERM; returns the exit code. */
export async function runScheduler(options: { grace: string; reload: string; json?: boolean }): Promise<number> {
  const graceMs = parseDuration(options.grace, '--grace');
  const reloadMs = parseDuration(options.reload, '--reload');
  const store = await openRunStore();
  const orchestrator = new HybridOrchestrator({ store });
  const createScheduler = await BUILTIN_SCHEDULER();
  const print = (event: SchedulerEvent) => {
    const at = new Date().toISOString();
    process.stdout.write(options.json ? `${JSON.stringify({ at, ...event })}\n` : `${at} ${describe(event)}\n`);
  };
  const scheduler = createScheduler({ store, runner: createPipelineRunner(orchestrator, store), onEvent: print, reloadMs });

  let stop: (signal: string) => void = () => {};
  const stopped = new Promise<string>((resolve) => (stop = resolve));
  const dispose = onStopSignals((signal, count) => (count === 1 ? stop(signal) : process.exit(130)));
  try {
    await scheduler.start();
    const signal = await stopped;
    if (!options.json) process.stdout.write(`${new Date().toISOString()} ${signal}: stopping (running pipelines have ${options.grace} to finish)\n`);
    await scheduler.stop({ graceMs });
    return 0;
  } finally {
    dispose();
    await store.close();
  }
}

function describe(event: SchedulerEvent): string {
  switch (event.type) {
    case 'scheduler.started':
      return `scheduler started with ${event.schedules} schedule${event.schedules === 1 ? '' : 's'} (Ctrl-C stops)`;
    case 'schedule.armed':
      return `${event.scheduleId}: next run ${event.nextRunAt}`;
    case 'schedule.fired':
      return `${event.scheduleId}: fired run ${event.runId}${event.trigger === 'missed' ? ' (catching up a missed run)' : ''}`;
    case 'schedule.skipped':
      return `${event.scheduleId}: skipped (${event.reason === 'overlap' ? 'the last run is still going' : event.reason === 'missed' ? 'missed while no scheduler ran' : 'paused'})`;
    case 'run.finished':
      return `${event.scheduleId}: run ${event.runId} ${event.status}`;
    case 'run.interrupted':
      return `${event.scheduleId}: run ${event.runId} interrupted`;
    case 'scheduler.error':
      return `${event.scheduleId ? `${event.scheduleId}: ` : ''}error: ${event.message}`;
    case 'scheduler.stopped':
      return `scheduler stopped (${event.finished} finished during the grace period, ${event.interrupted} interrupted)`;
  }
}
