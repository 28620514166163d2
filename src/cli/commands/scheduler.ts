import type { DefineCommand } from '../output.js';

const HELP = `
Runs every schedule in the run store (see \`switchyard schedule list\`) in this process until stopped.
Each firing is an ordinary pipeline run (see \`switchyard runs\`); bree only fires, the pipeline runs here.
Schedules added, paused or removed from another shell are picked up within --reload.

Ctrl-C (SIGINT) or SIGTERM stops it: no new firings, running pipelines get --grace to finish,
the rest are cancelled and recorded as interrupted. A second Ctrl-C exits at once.

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
      const { runScheduler } = await import('./scheduler-actions.js');
      setExitCode(await runScheduler(options));
    });
};
