import { BUILTIN_PREFECT_SERVER } from '../../builtin-adapters.js';
import { invalidInput } from '../../errors.js';
import { readPipelineFile, validatePipeline } from '../../pipeline/index.js';
import { assertCron, assertTimezone, parseDuration } from '../../schedule/timing.js';
import { printJson } from '../output.js';
import type { DeployCliOptions } from './deploy.js';

/** Validates the pipeline and the schedule before anything reaches Prefect, then deploys. */
export async function runDeploy(file: string, options: DeployCliOptions): Promise<void> {
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
  const loaded = await readPipelineFile(file);
  await validatePipeline(loaded.document, { baseDir: loaded.baseDir });
  if (typeof loaded.document !== 'object' || loaded.document === null) throw invalidInput(file, 'a pipeline object', loaded.document);

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
        api: client.url,
      });
    } else {
      process.stdout.write(
        [
          `deployed ${result.fullName} (${result.deployment.id})`,
          `  work pool: ${result.pool.name} (${result.pool.type}${result.poolCreated ? ', created' : ''})`,
          `  schedule:  ${schedule}`,
          `  run it:    switchyard worker --pool ${result.pool.name}`,
          '',
        ].join('\n'),
      );
    }
  } finally {
    await client.close();
  }
}
