import type { SchedulerEvent } from '../../schedule/types.js';
import type { DefineCommand } from '../output.js';
import { onStopSignals } from '../stop-signals.js';

const HELP = `
Runs every schedule in the run store (see \`switchyard schedule list\`) in this process until stopped.
Each firing is an ordinary pipeline run (see \`switchyard runs\`); bree only fires, the pipeline runs here.
Schedules added, paused or removed from another shell are picked up within --reload.

Any number of schedulers may share one run store (SQLite on one machine, PostgreSQL across machines):
each firing claims its slot in the store first, so every slot fires once. A firing is recorded (its run
exists, owned through its lease) before the schedule points at it.

Ctrl-C (SIGINT) or SIGTERM stops it: no new firings, running pipelines get --grace to finish,
the rest are cancelled and recorded as interrupted, then it exits 0. A second signal ends the grace
period at once (running pipelines are cancelled and recorded); a third exits at once (130).

Examples:
  $ switchyard schedule add etl.yaml --every 1m && switchyard scheduler
  $ switchyard scheduler --grace 2m --json > scheduler.log`;

/** `switchyard scheduler`: the foreground scheduler process. */
export const defineScheduler: DefineCommand = (program, setExitCode) => {
  program
    .command('scheduler')
    .description('fire scheduled pipelines in the foreground until stopped')
    .option('--grace <duration>', 'how long running pipelines may finish after a stop signal', '30s')
    .option('--reload <duration>', 'how often to re-read schedules from the store', '2s')
    .option('--json', 'print events as JSON lines')
    .addHelpText('after', HELP)
    .action(async (options: { grace: string; reload: string; json?: boolean }) => {
      setExitCode(await runScheduler(options));
    });
};

/** Runs the scheduler until SIGINT/SIGTERM; returns the exit code. */
async function runScheduler(options: { grace: string; reload: string; json?: boolean }): Promise<number> {
  const { parseDuration } = await import('../../schedule/timing.js');
  const graceMs = parseDuration(options.grace, '--grace');
  const reloadMs = parseDuration(options.reload, '--reload');
  const { openRunStore } = await import('../../store/index.js');
  const { HybridOrchestrator } = await import('../../pipeline/orchestrator.js');
  const { createPipelineRunner } = await import('../../schedule/pipeline-runner.js');
  const { BUILTIN_SCHEDULER } = await import('../../builtin-adapters.js');
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
  // the second signal cuts the grace period short (runs are still recorded); only a third exits without that
  const hurry = new AbortController();
  const dispose = onStopSignals((signal, count) => {
    if (count === 1) stop(signal);
    else if (count === 2) {
      if (!options.json) process.stdout.write(`${new Date().toISOString()} ${signal} again: cancelling running pipelines now (a third signal exits at once)\n`);
      hurry.abort();
    } else process.exit(130);
  });
  try {
    await scheduler.start();
    const signal = await stopped;
    if (!options.json) process.stdout.write(`${new Date().toISOString()} ${signal}: stopping (running pipelines have ${options.grace} to finish)\n`);
    await scheduler.stop({ graceMs, hurry: hurry.signal });
    return 0;
  } finally {
    dispose();
    await store.close();
  }
}

const SKIP_REASONS = {
  overlap: 'the last run is still going',
  missed: 'missed while no scheduler ran',
  paused: 'paused',
  claimed: 'another scheduler fired this slot',
} as const;

function describe(event: SchedulerEvent): string {
  switch (event.type) {
    case 'scheduler.started':
      return `scheduler started with ${event.schedules} schedule${event.schedules === 1 ? '' : 's'} (Ctrl-C stops)`;
    case 'schedule.armed':
      return `${event.scheduleId}: next run ${event.nextRunAt}`;
    case 'schedule.fired':
      return `${event.scheduleId}: fired run ${event.runId}${event.trigger === 'missed' ? ' (catching up a missed run)' : ''}`;
    case 'schedule.skipped':
      return `${event.scheduleId}: skipped (${SKIP_REASONS[event.reason]})`;
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
