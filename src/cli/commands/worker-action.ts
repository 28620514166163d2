import { BUILTIN_PREFECT_SERVER } from '../../builtin-adapters.js';
import { invalidInput } from '../../errors.js';
import { parseDuration } from '../../schedule/timing.js';
import type { WorkerCliOptions } from './worker.js';

type WorkerEvent = import('../../../adapters/prefect/server/index.js').WorkerEvent;

/** Runs a worker until SIGINT/SIGTERM (or after one poll with --once); returns the exit code. */
export async function runWorker(options: WorkerCliOptions): Promise<number> {
  const limit = Number(options.limit);
  if (!Number.isInteger(limit) || limit < 1) throw invalidInput('--limit', 'a whole number of at least 1', options.limit);
  const pollIntervalMs = parseDuration(options.poll, '--poll');
  const prefetchMs = parseDuration(options.prefetch, '--prefetch');
  const { PrefectClient, PrefectWorker, pipelineExecutor } = await BUILTIN_PREFECT_SERVER();
  const client = new PrefectClient(options.apiUrl ? { url: options.apiUrl } : {});
  const execute = pipelineExecutor();
  let failed = 0;
  const print = (event: WorkerEvent | { type: 'started' | 'stopping'; message: string }) => {
    if (event.type === 'finished' && event.state !== 'COMPLETED') failed++;
    const at = new Date().toISOString();
    if (options.json) process.stdout.write(`${JSON.stringify({ at, ...event })}\n`);
    else if (event.type !== 'polled') process.stdout.write(`${at} ${describe(event)}\n`);
  };
  const worker = new PrefectWorker({
    client,
    pool: options.pool,
    execute,
    limit,
    pollIntervalMs,
    prefetchMs,
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
    print({ type: 'started', message: `worker ${worker.name} on pool ${options.pool} at ${client.url} (limit ${limit})` });
    await worker.run({ once: options.once === true });
    print({ type: 'stopping', message: `worker ${worker.name} stopped after ${worker.executed.length} flow run${worker.executed.length === 1 ? '' : 's'}` });
    return options.once && failed > 0 ? 1 : 0;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await execute.close();
    await client.close();
  }
}

function describe(event: WorkerEvent | { type: 'started' | 'stopping'; message: string }): string {
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
    case 'finished':
      return `${event.name}: ${event.state}${event.message ? ` (${event.message})` : ''}`;
    case 'error':
      return `error: ${event.message}`;
  }
}
