import { MAX_TIMER_MS, parseWholeNumber } from '../numbers.js';
import type { WorkerEvent } from '../../worker/source.js';
import type { DefineCommand } from '../output.js';

const HELP = `
Acts as a Prefect worker for the pool: heartbeats, polls for scheduled flow runs, claims each one
(Prefect's orchestration rules refuse a second claim, so several workers can share a pool and no
flow run runs twice), runs the pipeline its deployment carries, and reports COMPLETED or FAILED.
The Prefect API comes from --api-url or PREFECT_API_URL (auth: PREFECT_API_KEY or PREFECT_API_AUTH_STRING).

Every --lease-check it also looks for the pool's RUNNING flow runs whose worker died (the switchyard
run's lease in the shared run store lapsed): it moves them to CRASHED and, when the deployment allows
retries (deploy --retries N), schedules them again; the worker that takes the retry resumes the run
from the store, skipping completed stages.

Ctrl-C (SIGINT) or SIGTERM stops polling and lets running flow runs finish; a second signal cancels
them (reported CANCELLED); a third exits at once.

Examples:
  $ switchyard worker --pool etl
  $ switchyard worker --pool etl --limit 4 --json
  $ switchyard worker --pool etl --once      # run what is due now, then exit`;

interface WorkerCliOptions {
  pool: string;
  once?: boolean;
  limit: string;
  name?: string;
  poll: string;
  prefetch: string;
  leaseCheck: string;
  heartbeat: string;
  cancelCheck: string;
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
    .option('--lease-check <duration>', "how often to look for the pool's flow runs whose worker died (lease lapsed): crashed, and retried when the deployment allows", '15s')
    .option('--heartbeat <duration>', 'time between worker heartbeats to the pool', '30s')
    .option('--cancel-check <duration>', 'how often a running flow run is checked for cancellation in Prefect', '2s')
    .option('--api-url <url>', 'Prefect API URL (default PREFECT_API_URL)')
    .option('--json', 'print events as JSON lines')
    .addHelpText('after', HELP)
    .action(async (options: WorkerCliOptions) => {
      setExitCode(await runWorker(options));
    });
};

type Printed = WorkerEvent | { type: 'started' | 'stopping'; message: string };

/** Runs a worker until SIGINT/SIGTERM (or after one poll with --once); returns the exit code. */
async function runWorker(options: WorkerCliOptions): Promise<number> {
  const limit = parseWholeNumber(options.limit, '--limit', { max: 1000 });
  const { parseDuration } = await import('../../schedule/timing.js');
  const pollIntervalMs = parseDuration(options.poll, '--poll', MAX_TIMER_MS);
  const prefetchMs = parseDuration(options.prefetch, '--prefetch', MAX_TIMER_MS);
  const leaseCheckMs = parseDuration(options.leaseCheck, '--lease-check', MAX_TIMER_MS);
  const heartbeatIntervalMs = parseDuration(options.heartbeat, '--heartbeat', MAX_TIMER_MS);
  const cancelCheckMs = parseDuration(options.cancelCheck, '--cancel-check', MAX_TIMER_MS);
  let failed = 0;
  const print = (event: Printed) => {
    if (event.type === 'finished' && event.state !== 'COMPLETED') failed++;
    const at = new Date().toISOString();
    if (options.json) process.stdout.write(`${JSON.stringify({ at, ...event })}\n`);
    else if (event.type !== 'polled') process.stdout.write(`${at} ${describeEvent(event)}\n`);
  };
  const { createPrefectWorker } = await import('../../worker/prefect.js');
  const worker = await createPrefectWorker({
    pool: options.pool,
    ...(options.apiUrl ? { server: { url: options.apiUrl } } : {}),
    limit,
    pollIntervalMs,
    prefetchMs,
    leaseCheckMs,
    heartbeatIntervalMs,
    cancelCheckMs,
    ...(options.name ? { name: options.name } : {}),
    onEvent: print,
  });
  let signals = 0;
  const onSignal = (signal: string) => {
    signals++;
    if (signals === 1) {
      print({ type: 'stopping', message: `${signal}: stopping; running flow runs finish (signal again to cancel them)` });
      void worker.stop();
    } else if (signals === 2) {
      print({ type: 'stopping', message: `${signal}: cancelling running flow runs` });
      void worker.stop({ abort: true });
    } else process.exit(130);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    print({ type: 'started', message: `worker ${worker.name} on pool ${options.pool} at ${worker.client.url} (limit ${limit})` });
    await worker.run({ once: options.once === true });
    print({ type: 'stopping', message: `worker ${worker.name} stopped after ${worker.executed.length} flow run${worker.executed.length === 1 ? '' : 's'}` });
    return options.once && failed > 0 ? 1 : 0;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await worker.close();
  }
}

function describeEvent(event: Printed): string {
  switch (event.type) {
    case 'started':
    case 'stopping':
      return event.message;
    case 'polled':
      return `polled: ${event.found} scheduled`;
    case 'claimed':
      return `${event.name}: claimed (${event.flowRunId})`;
    case 'claim-lost':
      return `${event.flowRunId}: not claimed (${event.reason})`;
    case 'crashed':
      return `${event.name}: its worker is gone (${event.reason}): ${event.action}`;
    case 'finished':
      return `${event.name}: ${event.state}${event.message ? ` (${event.message})` : ''}`;
    case 'error':
      return `error: ${event.message}`;
  }
}
