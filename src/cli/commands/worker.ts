import type { DefineCommand } from '../output.js';

const HELP = `
Acts as a Prefect worker for the pool: heartbeats, polls for scheduled flow runs, claims each one
(Prefect's orchestration rules refuse a second claim, so several workers can share a pool and no
flow run runs twice), runs the pipeline its deployment carries, and reports COMPLETED or FAILED.
The Prefect API comes from --api-url or PREFECT_API_URL (auth: PREFECT_API_KEY or PREFECT_API_AUTH_STRING).

Ctrl-C (SIGINT) or SIGTERM stops polling and lets running flow runs finish; a second signal cancels
them (reported CANCELLED); a third exits at once.

Examples:
  $ switchyard worker --pool etl
  $ switchyard worker --pool etl --limit 4 --json
  $ switchyard worker --pool etl --once      # run what is due now, then exit`;

export interface WorkerCliOptions {
  pool: string;
  once?: boolean;
  limit: string;
  name?: string;
  poll: string;
  prefetch: string;
  apiUrl?: string;
  json?: boolean;
}

/** `switchyard worker --pool NAME [--once] [--limit N]`. */
export const defineWorker: DefineCommand = (program, setExitCode) => {
  program
    .command('worker')
    .description('run flow runs of a Prefect work pool with switchyard (a Prefect worker)')
    .requiredOption('--pool <name>', 'Prefect work pool to take flow runs from')
    .option('--once', 'poll once, run what was claimed, then exit')
    .option('--limit <n>', 'most flow runs running at once', '1')
    .option('--name <name>', 'worker name shown in Prefect (default switchyard-<host>-<id>)')
    .option('--poll <duration>', 'time between polls', '2s')
    .option('--prefetch <duration>', 'also claim runs scheduled this far ahead (they start on time)', '10s')
    .option('--api-url <url>', 'Prefect API URL (default PREFECT_API_URL)')
    .option('--json', 'print events as JSON lines')
    .addHelpText('after', HELP)
    .action(async (options: WorkerCliOptions) => {
      const { runWorker } = await import('./worker-action.js');
      setExitCode(await runWorker(options));
    });
};
