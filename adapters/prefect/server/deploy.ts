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
}

export interface DeployResult {
  readonly flow: Flow;
  readonly pool: WorkPool;
  readonly poolCreated: boolean;
  readonly deployment: Deployment;
  /** `flow-name/deployment-name`, what a `{ type: 'deployment' }` stage names. */
  readonly fullName: string;
}

/** The parameters every switchyard deployment carries: any worker can run the pipeline from them alone. */
export const DEPLOYMENT_PARAMETER_SCHEMA = {
  type: 'object',
  title: 'Parameters',
  properties: {
    pipeline: { type: 'object', title: 'pipeline', description: 'The switchyard pipeline document' },
    input: { title: 'input', description: 'The run input' },
    baseDir: { type: 'string', title: 'baseDir', description: 'Where relative paths in the pipeline resolve from' },
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
  const deployment = await client.createDeployment({
    name,
    flow_id: flow.id,
    work_pool_name: pool.name,
    parameters: {
      pipeline: options.pipeline,
      ...(options.input === undefined ? {} : { input: options.input }),
      ...(options.baseDir === undefined ? {} : { baseDir: options.baseDir }),
    },
    parameter_openapi_schema: DEPLOYMENT_PARAMETER_SCHEMA as unknown as Record<string, unknown>,
    enforce_parameter_schema: false,
    schedules,
    paused: options.paused ?? false,
    tags: options.tags ?? ['switchyard'],
    description: options.description ?? (typeof options.pipeline.goal === 'string' ? options.pipeline.goal : `switchyard pipeline ${flowName}`),
    entrypoint: `switchyard:${flowName}`,
  });
  return { flow, pool, poolCreated, deployment, fullName: `${flowName}/${name}` };
}
