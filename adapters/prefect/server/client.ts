import { resolveServerOptions } from './config.js';
import { PrefectHttp, type HttpOptions, type RequestStats } from './http.js';
import type { ServerOptions } from './schema.js';
import type {
  Deployment,
  DeploymentCreate,
  DeploymentFlowRunCreate,
  FilterBody,
  Flow,
  FlowRun,
  FlowRunCreate,
  FlowRunGraph,
  FlowRunUpdate,
  Log,
  LogCreate,
  OrchestrationResult,
  StateCreate,
  TaskRun,
  TaskRunCreate,
  Worker,
  WorkerFlowRunResponse,
  WorkPool,
  WorkPoolCreate,
} from './types.js';

export interface PrefectClientOptions extends ServerOptions {
  /** First retry backoff without Retry-After; default 250 ms. */
  readonly backoffMs?: number;
  /** Cap on any one retry wait; default 30 s. */
  readonly maxRetryDelayMs?: number;
  readonly env?: NodeJS.ProcessEnv;
}

interface CallOptions {
  readonly signal?: AbortSignal;
}

const seg = encodeURIComponent;

/**
 * A typed client for the parts of Prefect 3's REST API switchyard drives: flows, deployments,
 * flow runs, task runs, logs, work pools and workers. State changes go through `setState`
 * (./set-state.ts), which handles the orchestration answer; the raw calls are here.
 */
export class PrefectClient {
  readonly http: PrefectHttp;

  constructor(options: PrefectClientOptions = {}) {
    const { backoffMs, maxRetryDelayMs, env, ...server } = options;
    const resolved = resolveServerOptions(server, env);
    const httpOptions: HttpOptions = {
      ...resolved,
      ...(backoffMs === undefined ? {} : { backoffMs }),
      ...(maxRetryDelayMs === undefined ? {} : { maxRetryDelayMs }),
    };
    this.http = new PrefectHttp(httpOptions);
  }

  get url(): string {
    return this.http.baseUrl;
  }

  get stats(): RequestStats {
    return this.http.stats;
  }

  close(): Promise<void> {
    return this.http.close();
  }

  // ---- server ----
  async health(options: CallOptions = {}): Promise<boolean> {
    return (await this.http.request<boolean>('GET', '/health', options)) === true;
  }

  version(options: CallOptions = {}): Promise<string> {
    return this.http.request<string>('GET', '/admin/version', options);
  }

  // ---- flows ----
  /** Creates the flow, or returns the existing one with that name (Prefect upserts by name). */
  createFlow(name: string, options: CallOptions & { tags?: readonly string[] } = {}): Promise<Flow> {
    return this.http.request<Flow>('POST', '/flows/', { body: { name, tags: options.tags ?? [] }, idempotent: true, ...options });
  }

  readFlow(id: string, options: CallOptions = {}): Promise<Flow> {
    return this.http.request<Flow>('GET', `/flows/${seg(id)}`, options);
  }

  // ---- deployments ----
  /** Creates the deployment, or updates the one with the same flow and name (Prefect upserts). */
  createDeployment(body: DeploymentCreate, options: CallOptions = {}): Promise<Deployment> {
    return this.http.request<Deployment>('POST', '/deployments/', { body, idempotent: true, ...options });
  }

  readDeployment(id: string, options: CallOptions = {}): Promise<Deployment> {
    return this.http.request<Deployment>('GET', `/deployments/${seg(id)}`, options);
  }

  readDeploymentByName(flowName: string, deploymentName: string, options: CallOptions = {}): Promise<Deployment> {
    return this.http.request<Deployment>('GET', `/deployments/name/${seg(flowName)}/${seg(deploymentName)}`, options);
  }

  createFlowRunFromDeployment(deploymentId: string, body: DeploymentFlowRunCreate = {}, options: CallOptions = {}): Promise<FlowRun> {
    return this.http.request<FlowRun>('POST', `/deployments/${seg(deploymentId)}/create_flow_run`, { body, ...options });
  }

  deleteDeployment(id: string, options: CallOptions = {}): Promise<void> {
    return this.http.request<void>('DELETE', `/deployments/${seg(id)}`, { ...options, allow: [404] });
  }

  // ---- flow runs ----
  createFlowRun(body: FlowRunCreate, options: CallOptions = {}): Promise<FlowRun> {
    return this.http.request<FlowRun>('POST', '/flow_runs/', { body, ...options });
  }

  readFlowRun(id: string, options: CallOptions = {}): Promise<FlowRun> {
    return this.http.request<FlowRun>('GET', `/flow_runs/${seg(id)}`, options);
  }

  updateFlowRun(id: string, body: FlowRunUpdate, options: CallOptions = {}): Promise<void> {
    return this.http.request<void>('PATCH', `/flow_runs/${seg(id)}`, { body, idempotent: true, ...options });
  }

  /** Merges `labels` into the flow run's labels (Prefect's UI shows them). */
  updateFlowRunLabels(id: string, labels: Record<string, string>, options: CallOptions = {}): Promise<void> {
    return this.http.request<void>('PATCH', `/flow_runs/${seg(id)}/labels`, { body: labels, idempotent: true, ...options });
  }

  /** `filter` is Prefect's filter JSON, e.g. `{ flow_runs: { deployment_id: { any_: [id] } } }`. */
  filterFlowRuns(filter: FilterBody = {}, options: CallOptions & { limit?: number; sort?: string } = {}): Promise<FlowRun[]> {
    const body = { ...filter, limit: options.limit ?? 200, ...(options.sort ? { sort: options.sort } : {}) };
    return this.http.request<FlowRun[]>('POST', '/flow_runs/filter', { body, idempotent: true, ...options });
  }

  /** Raw orchestration call; use `setState` from ./set-state.ts, which handles WAIT, REJECT and ABORT. */
  setFlowRunState(id: string, state: StateCreate, options: CallOptions & { force?: boolean } = {}): Promise<OrchestrationResult> {
    return this.http.request<OrchestrationResult>('POST', `/flow_runs/${seg(id)}/set_state`, {
      body: { state, force: options.force ?? false },
      ...options,
    });
  }

  readFlowRunGraph(id: string, options: CallOptions = {}): Promise<FlowRunGraph> {
    return this.http.request<FlowRunGraph>('GET', `/flow_runs/${seg(id)}/graph-v2`, options);
  }

  // ---- task runs ----
  createTaskRun(body: TaskRunCreate, options: CallOptions = {}): Promise<TaskRun> {
    // Idempotent: Prefect returns the existing task run for the same flow run, task_key and dynamic_key.
    return this.http.request<TaskRun>('POST', '/task_runs/', { body, idempotent: true, ...options });
  }

  readTaskRun(id: string, options: CallOptions = {}): Promise<TaskRun> {
    return this.http.request<TaskRun>('GET', `/task_runs/${seg(id)}`, options);
  }

  filterTaskRuns(filter: FilterBody = {}, options: CallOptions & { limit?: number } = {}): Promise<TaskRun[]> {
    return this.http.request<TaskRun[]>('POST', '/task_runs/filter', { body: { ...filter, limit: options.limit ?? 200 }, idempotent: true, ...options });
  }

  /** Raw orchestration call; use `setState` from ./set-state.ts. */
  setTaskRunState(id: string, state: StateCreate, options: CallOptions & { force?: boolean } = {}): Promise<OrchestrationResult> {
    return this.http.request<OrchestrationResult>('POST', `/task_runs/${seg(id)}/set_state`, {
      body: { state, force: options.force ?? false },
      ...options,
    });
  }

  // ---- logs ----
  /** One request for any number of log lines. */
  createLogs(logs: readonly LogCreate[], options: CallOptions = {}): Promise<void> {
    if (logs.length === 0) return Promise.resolve();
    return this.http.request<void>('POST', '/logs/', { body: logs, ...options });
  }

  filterLogs(filter: FilterBody = {}, options: CallOptions & { limit?: number } = {}): Promise<Log[]> {
    return this.http.request<Log[]>('POST', '/logs/filter', { body: { ...filter, limit: options.limit ?? 200 }, idempotent: true, ...options });
  }

  // ---- work pools and workers ----
  createWorkPool(body: WorkPoolCreate, options: CallOptions = {}): Promise<WorkPool> {
    return this.http.request<WorkPool>('POST', '/work_pools/', { body, ...options });
  }

  /** `undefined` when there is no pool with that name. */
  readWorkPool(name: string, options: CallOptions = {}): Promise<WorkPool | undefined> {
    return this.http.request<WorkPool | undefined>('GET', `/work_pools/${seg(name)}`, { ...options, allow: [404] });
  }

  getScheduledFlowRuns(
    pool: string,
    body: { scheduled_before?: string; scheduled_after?: string; limit?: number; work_queue_names?: readonly string[] } = {},
    options: CallOptions = {},
  ): Promise<WorkerFlowRunResponse[]> {
    return this.http.request<WorkerFlowRunResponse[]>('POST', `/work_pools/${seg(pool)}/get_scheduled_flow_runs`, { body, idempotent: true, ...options });
  }

  workerHeartbeat(pool: string, name: string, heartbeatIntervalSeconds?: number, options: CallOptions = {}): Promise<void> {
    const body = { name, ...(heartbeatIntervalSeconds === undefined ? {} : { heartbeat_interval_seconds: heartbeatIntervalSeconds }) };
    return this.http.request<void>('POST', `/work_pools/${seg(pool)}/workers/heartbeat`, { body, idempotent: true, ...options });
  }

  readWorkers(pool: string, options: CallOptions = {}): Promise<Worker[]> {
    return this.http.request<Worker[]>('POST', `/work_pools/${seg(pool)}/workers/filter`, { body: {}, idempotent: true, ...options });
  }
}
