import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { SwitchyardError } from 'switchyard/adapter-kit';
import type { PrefectClient } from './client.js';
import type { Deployment, DeploymentScheduleCreate, Flow, WorkPool } from './types.js';

export interface DeployOptions {
  /** The pipeline document (YAML/JSON data: it travels in the deployment's parameters). */
  readonly pipeline: Record<string, unknown>;
  readonly pool: string;
  /** Work pool type when the pool must be created; default `process`. */
  readonly poolType?: string;
  /** Deployment name; default `default`. */
  readonly name?: string;
  /** Flow name; default the pipeline's `name`. */
  readonly flowName?: string;
  readonly cron?: string;
  /** IANA zone for `cron`; default UTC. */
  readonly timezone?: string;
  /** Seconds between runs, as an alternative to `cron`. */
  readonly intervalSeconds?: number;
  /** Run input stored as the deployment's default `input` parameter. */
  readonly input?: unknown;
  readonly tags?: readonly string[];
  readonly description?: string;
  /** Directory the worker resolves the pipeline's relative paths (modules, sources) from; default the worker's cwd. */
  readonly baseDir?: string;
  readonly paused?: boolean;
  /**
   * How many times a flow run that failed or crashed is run again (Prefect's `retries` run policy, which a worker
   * sets on each flow run it claims); default 0.
   */
  readonly retries?: number;
  /** Seconds before such a retry starts; default 0. */
  readonly retryDelaySeconds?: number;
}

export interface DeployResult {
  readonly flow: Flow;
  readonly pool: WorkPool;
  readonly poolCreated: boolean;
  readonly deployment: Deployment;
  /** `flow-name/deployment-name`, what a `{ type: 'deployment' }` stage names. */
  readonly fullName: string;
  /** The sha256 of each `modules:` file as deployed (`{ "./handlers.mjs": "sha256:…" }`); workers refuse other code. */
  readonly moduleHashes: Readonly<Record<string, string>>;
}

/** The parameters every switchyard deployment carries: any worker can run the pipeline from them alone. */
export const DEPLOYMENT_PARAMETER_SCHEMA = {
  type: 'object',
  title: 'Parameters',
  properties: {
    pipeline: { type: 'object', title: 'pipeline', description: 'The switchyard pipeline document' },
    input: { title: 'input', description: 'The run input' },
    baseDir: { type: 'string', title: 'baseDir', description: 'Where relative paths in the pipeline resolve from' },
    moduleHashes: { type: 'object', title: 'moduleHashes', description: 'sha256 of each modules: file as deployed; a worker whose copy differs fails the run' },
    retries: { type: 'integer', title: 'retries', description: 'Runs of a failed or crashed flow run again (set as the flow run retry policy)' },
    retryDelaySeconds: { type: 'integer', title: 'retryDelaySeconds', description: 'Seconds before a retry starts' },
  },
  required: ['pipeline'],
} as const;

/**
 * Creates (or updates) the flow, the work pool if it is missing, and a deployment whose parameters
 * carry the pipeline, with a cron or interval schedule when one is given. Prefect upserts flows by
 * name and deployments by (flow, name), so deploying again updates in place.
 */
export async function deployPipeline(client: PrefectClient, options: DeployOptions): Promise<DeployResult> {
  const pipelineName = options.pipeline.name;
  const flowName = options.flowName ?? (typeof pipelineName === 'string' ? pipelineName : undefined);
  if (!flowName) throw new SwitchyardError('INVALID_INPUT', 'name: expected the pipeline to have a name (it becomes the Prefect flow name)', { path: 'name' });
  if (options.cron !== undefined && options.intervalSeconds !== undefined) {
    throw new SwitchyardError('INVALID_INPUT', '--cron and an interval: expected one schedule, not both', { path: '--cron' });
  }
  const flow = await client.createFlow(flowName, { tags: options.tags ?? ['switchyard'] });
  let pool = await client.readWorkPool(options.pool);
  let poolCreated = false;
  if (!pool) {
    pool = await client.createWorkPool({ name: options.pool, type: options.poolType ?? 'process', description: 'switchyard workers (`switchyard worker --pool NAME`)' });
    poolCreated = true;
  }
  const schedules: DeploymentScheduleCreate[] = [];
  if (options.cron !== undefined) schedules.push({ schedule: { cron: options.cron, timezone: options.timezone ?? 'UTC' }, active: true });
  if (options.intervalSeconds !== undefined) schedules.push({ schedule: { interval: options.intervalSeconds, timezone: options.timezone ?? 'UTC' }, active: true });
  const name = options.name ?? 'default';
  const retries = wholeNumber(options.retries, '--retries');
  const retryDelaySeconds = wholeNumber(options.retryDelaySeconds, '--retry-delay');
  const moduleHashes = await hashModules(options.pipeline.modules, options.baseDir ?? process.cwd());
  const deployment = await client.createDeployment({
    name,
    flow_id: flow.id,
    work_pool_name: pool.name,
    parameters: {
      pipeline: options.pipeline,
      ...(options.input === undefined ? {} : { input: options.input }),
      ...(options.baseDir === undefined ? {} : { baseDir: options.baseDir }),
      ...(Object.keys(moduleHashes).length ? { moduleHashes } : {}),
      ...(retries ? { retries } : {}),
      ...(retryDelaySeconds ? { retryDelaySeconds } : {}),
    },
    parameter_openapi_schema: DEPLOYMENT_PARAMETER_SCHEMA as unknown as Record<string, unknown>,
    enforce_parameter_schema: false,
    schedules,
    paused: options.paused ?? false,
    tags: options.tags ?? ['switchyard'],
    description: options.description ?? (typeof options.pipeline.goal === 'string' ? options.pipeline.goal : `switchyard pipeline ${flowName}`),
    entrypoint: `switchyard:${flowName}`,
  });
  return { flow, pool, poolCreated, deployment, fullName: `${flowName}/${name}`, moduleHashes };
}

/** `sha256:<hex>` of a file's bytes: what a deployment records for each module and a worker compares. */
export async function hashFile(path: string): Promise<string> {
  return `sha256:${createHash('sha256').update(await readFile(path)).digest('hex')}`;
}

/** The hash of each `modules:` entry (a path relative to `baseDir`), keyed by the entry as written. */
async function hashModules(modules: unknown, baseDir: string): Promise<Record<string, string>> {
  const hashes: Record<string, string> = {};
  if (!Array.isArray(modules)) return hashes;
  for (const [i, spec] of modules.entries()) {
    if (typeof spec !== 'string') continue;
    try {
      hashes[spec] = await hashFile(resolve(baseDir, spec));
    } catch (error) {
      throw new SwitchyardError('INVALID_INPUT', `modules[${i}]: cannot read ${spec} to record its hash: ${(error as Error).message}`, { path: `modules[${i}]` });
    }
  }
  return hashes;
}

function wholeNumber(value: number | undefined, path: string): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isInteger(value) || value < 0) throw new SwitchyardError('INVALID_INPUT', `${path}: expected a whole number of 0 or more; got ${String(value)}`, { path });
  return value;
}
