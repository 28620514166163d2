import { invalidInput } from '../../errors.js';
import { type DefineCommand, printJson } from '../output.js';

const HELP = `
Creates (or updates) a Prefect deployment for a pipeline file: the flow (named after the pipeline),
the work pool if it is missing, and the deployment with its schedule. The deployment's parameters
carry the whole pipeline, so any \`switchyard worker --pool NAME\` can run it.
The Prefect API comes from --api-url or PREFECT_API_URL (auth: PREFECT_API_KEY or PREFECT_API_AUTH_STRING).

Examples:
  $ export PREFECT_API_URL=http://127.0.0.1:4200/api
  $ switchyard deploy etl.yaml --pool etl --cron "0 2 * * *" --tz Europe/Berlin
  $ switchyard deploy report.yaml --pool etl --name hourly --interval 1h --json
  $ switchyard worker --pool etl`;

interface DeployCliOptions {
  pool: string;
  cron?: string;
  interval?: string;
  tz?: string;
  name?: string;
  poolType: string;
  input?: string;
  apiUrl?: string;
  paused?: boolean;
  retries?: string;
  retryDelay?: string;
  json?: boolean;
}

/** `switchyard deploy FILE --pool NAME [--cron EXPR] [--tz ZONE] [--name NAME]`. */
export const defineDeploy: DefineCommand = (program) => {
  program
    .command('deploy')
    .description('create a Prefect deployment (with an optional schedule) that switchyard workers run')
    .argument('<file>', 'pipeline file (YAML or JSON)')
    .requiredOption('--pool <name>', 'Prefect work pool (created when missing)')
    .option('--cron <expr>', 'cron schedule, e.g. "0 2 * * *"')
    .option('--interval <duration>', 'interval schedule instead of cron, e.g. 30s, 15m, 1h')
    .option('--tz <zone>', 'IANA time zone for the schedule (default UTC)')
    .option('--name <name>', 'deployment name', 'default')
    .option('--pool-type <type>', 'work pool type when it is created (process, or a custom type name)', 'process')
    .option('--input <json>', 'default run input (JSON)')
    .option('--paused', 'create the deployment with its schedule paused')
    .option('--retries <n>', 'run a flow run that failed or crashed (its worker died) again, up to N times, resuming it', '0')
    .option('--retry-delay <duration>', 'wait before such a retry, e.g. 30s (default none)')
    .option('--api-url <url>', 'Prefect API URL (default PREFECT_API_URL)')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', HELP)
    .action(async (file: string, options: DeployCliOptions) => {
      await deploy(file, options);
    });
};

/** Validates the pipeline and the schedule before anything reaches Prefect, then deploys. */
async function deploy(file: string, options: DeployCliOptions): Promise<void> {
  const { assertCron, assertTimezone, parseDuration } = await import('../../schedule/timing.js');
  if (options.cron !== undefined && options.interval !== undefined) throw invalidInput('--interval', 'either --cron or --interval, not both', options.interval);
  if (options.tz !== undefined) assertTimezone(options.tz, '--tz');
  if (options.cron !== undefined) assertCron(options.cron, options.tz, '--cron');
  const intervalMs = options.interval === undefined ? undefined : parseDuration(options.interval, '--interval');
  if (intervalMs !== undefined && intervalMs < 1000) throw invalidInput('--interval', 'at least 1s', options.interval);
  let input: unknown;
  if (options.input !== undefined) {
    try {
      input = JSON.parse(options.input);
    } catch {
      throw invalidInput('--input', 'JSON', options.input);
    }
  }
  const { parseWholeNumber } = await import('../numbers.js');
  const retries = parseWholeNumber(options.retries ?? '0', '--retries', { min: 0, max: 100 });
  const retryDelayMs = options.retryDelay === undefined ? 0 : parseDuration(options.retryDelay, '--retry-delay');
  const { readPipelineFile, validatePipeline } = await import('../../pipeline/index.js');
  const loaded = await readPipelineFile(file);
  await validatePipeline(loaded.document, { baseDir: loaded.baseDir });
  if (typeof loaded.document !== 'object' || loaded.document === null) throw invalidInput(file, 'a pipeline object', loaded.document);

  const { BUILTIN_PREFECT_SERVER } = await import('../../builtin-adapters.js');
  const { PrefectClient, deployPipeline } = await BUILTIN_PREFECT_SERVER();
  const client = new PrefectClient(options.apiUrl ? { url: options.apiUrl } : {});
  try {
    const result = await deployPipeline(client, {
      pipeline: loaded.document as Record<string, unknown>,
      pool: options.pool,
      poolType: options.poolType,
      name: options.name ?? 'default',
      baseDir: loaded.baseDir,
      ...(options.cron !== undefined ? { cron: options.cron } : {}),
      ...(intervalMs !== undefined ? { intervalSeconds: intervalMs / 1000 } : {}),
      ...(options.tz !== undefined ? { timezone: options.tz } : {}),
      ...(input !== undefined ? { input } : {}),
      ...(options.paused ? { paused: true } : {}),
      ...(retries > 0 ? { retries, retryDelaySeconds: Math.round(retryDelayMs / 1000) } : {}),
    });
    const schedule = options.cron ? `cron "${options.cron}" (${options.tz ?? 'UTC'})` : options.interval ? `every ${options.interval}` : 'none (trigger it with a deployment stage)';
    if (options.json) {
      printJson({
        deployment: result.fullName,
        deploymentId: result.deployment.id,
        flowId: result.flow.id,
        pool: result.pool.name,
        poolType: result.pool.type,
        poolCreated: result.poolCreated,
        schedule: options.cron ? { cron: options.cron, timezone: options.tz ?? 'UTC' } : intervalMs !== undefined ? { intervalSeconds: intervalMs / 1000 } : null,
        moduleHashes: result.moduleHashes,
        retries,
        api: client.url,
      });
    } else {
      process.stdout.write(
        [
          `deployed ${result.fullName} (${result.deployment.id})`,
          `  work pool: ${result.pool.name} (${result.pool.type}${result.poolCreated ? ', created' : ''})`,
          `  schedule:  ${schedule}`,
          ...Object.entries(result.moduleHashes).map(([file, hash]) => `  module:    ${file} ${hash} (workers need this exact file)`),
          ...(retries > 0 ? [`  retries:   ${retries}`] : []),
          `  run it:    switchyard worker --pool ${result.pool.name}`,
          '',
        ].join('\n'),
      );
    }
  } finally {
    await client.close();
  }
}
