/**
 * The slice of Prefect 3's REST API that switchyard uses, typed by hand from the server's schemas
 * (`prefect/server/schemas`). Fields switchyard never reads are left out; the server sends more.
 */

export type StateType = 'SCHEDULED' | 'PENDING' | 'RUNNING' | 'COMPLETED' | 'FAILED' | 'CANCELLED' | 'CRASHED' | 'PAUSED' | 'CANCELLING';

export const FINAL_STATE_TYPES: ReadonlySet<StateType> = new Set(['COMPLETED', 'FAILED', 'CANCELLED', 'CRASHED']);

export interface StateDetails {
  readonly scheduled_time?: string | null;
  readonly flow_run_id?: string | null;
  readonly task_run_id?: string | null;
  readonly [key: string]: unknown;
}

export interface State {
  readonly id?: string;
  readonly type: StateType;
  readonly name?: string | null;
  readonly timestamp?: string;
  readonly message?: string | null;
  readonly data?: unknown;
  readonly state_details?: StateDetails;
}

/** A state to propose: `set_state` bodies and initial states on create. */
export interface StateCreate {
  readonly type: StateType;
  readonly name?: string;
  readonly message?: string;
  readonly data?: unknown;
  readonly state_details?: StateDetails;
}

export type SetStateStatus = 'ACCEPT' | 'REJECT' | 'ABORT' | 'WAIT';

export interface OrchestrationResult {
  readonly state: State | null;
  readonly status: SetStateStatus;
  readonly details: { readonly type?: string; readonly reason?: string | null; readonly delay_seconds?: number };
}

export interface Flow {
  readonly id: string;
  readonly name: string;
  readonly created?: string;
  readonly tags?: readonly string[];
}

export interface FlowRun {
  readonly id: string;
  readonly name: string;
  readonly flow_id: string;
  readonly deployment_id?: string | null;
  readonly work_pool_name?: string | null;
  readonly work_queue_name?: string | null;
  readonly parameters: Record<string, unknown>;
  readonly tags?: readonly string[];
  readonly state: State | null;
  readonly state_type?: StateType | null;
  readonly state_name?: string | null;
  readonly expected_start_time?: string | null;
  readonly next_scheduled_start_time?: string | null;
  readonly start_time?: string | null;
  readonly end_time?: string | null;
  readonly run_count?: number;
  readonly auto_scheduled?: boolean;
  readonly created?: string;
  /** Retry policy: `retries` and `retry_delay` (seconds) are what Prefect's retry rule reads. */
  readonly empirical_policy?: FlowRunPolicy;
  readonly labels?: Record<string, unknown>;
}

export interface FlowRunPolicy {
  readonly retries?: number | null;
  readonly retry_delay?: number | null;
  readonly [key: string]: unknown;
}

/** `PATCH /flow_runs/{id}`: only the fields given change. */
export interface FlowRunUpdate {
  readonly name?: string;
  readonly parameters?: Record<string, unknown>;
  readonly empirical_policy?: FlowRunPolicy;
  readonly tags?: readonly string[];
}

export interface FlowRunCreate {
  readonly flow_id: string;
  readonly name?: string;
  readonly parameters?: Record<string, unknown>;
  readonly tags?: readonly string[];
  readonly state?: StateCreate;
  readonly context?: Record<string, unknown>;
}

/** How a task run names its upstream: Prefect draws the graph's edges from these. */
export type TaskRunInput =
  | { readonly input_type: 'task_run'; readonly id: string }
  | { readonly input_type: 'parameter'; readonly name: string }
  | { readonly input_type: 'constant'; readonly type: string };

export interface TaskRun {
  readonly id: string;
  readonly name: string;
  readonly flow_run_id: string | null;
  readonly task_key: string;
  readonly dynamic_key: string;
  readonly task_inputs: Record<string, readonly TaskRunInput[]>;
  readonly state: State | null;
  readonly state_type?: StateType | null;
  readonly tags?: readonly string[];
  readonly start_time?: string | null;
  readonly end_time?: string | null;
}

export interface TaskRunCreate {
  /** Client-chosen ids let dependants name their upstream before the upstream's create call returns. */
  readonly id?: string;
  readonly name: string;
  readonly flow_run_id: string;
  readonly task_key: string;
  readonly dynamic_key: string;
  readonly task_inputs?: Record<string, readonly TaskRunInput[]>;
  readonly tags?: readonly string[];
  readonly state?: StateCreate;
}

export type LogLevel = 10 | 20 | 30 | 40 | 50;

export interface LogCreate {
  readonly name: string;
  readonly level: number;
  readonly message: string;
  /** ISO timestamp. */
  readonly timestamp: string;
  readonly flow_run_id?: string | null;
  readonly task_run_id?: string | null;
}

export interface Log extends LogCreate {
  readonly id: string;
}

export interface Schedule {
  readonly cron?: string;
  readonly interval?: number;
  readonly timezone?: string | null;
  readonly day_or?: boolean;
  readonly anchor_date?: string;
}

export interface DeploymentScheduleCreate {
  readonly schedule: Schedule;
  readonly active?: boolean;
  readonly max_scheduled_runs?: number;
}

export interface DeploymentCreate {
  readonly name: string;
  readonly flow_id: string;
  readonly work_pool_name?: string;
  readonly work_queue_name?: string;
  readonly parameters?: Record<string, unknown>;
  readonly parameter_openapi_schema?: Record<string, unknown>;
  readonly enforce_parameter_schema?: boolean;
  readonly schedules?: readonly DeploymentScheduleCreate[];
  readonly paused?: boolean;
  readonly tags?: readonly string[];
  readonly description?: string;
  readonly entrypoint?: string;
  readonly version?: string;
  readonly job_variables?: Record<string, unknown>;
}

export interface Deployment {
  readonly id: string;
  readonly name: string;
  readonly flow_id: string;
  readonly work_pool_name?: string | null;
  readonly work_queue_name?: string | null;
  readonly parameters: Record<string, unknown>;
  readonly paused?: boolean;
  readonly schedules?: readonly { readonly id: string; readonly schedule: Schedule; readonly active: boolean }[];
  readonly status?: string | null;
}

export interface DeploymentFlowRunCreate {
  readonly parameters?: Record<string, unknown>;
  readonly name?: string;
  readonly tags?: readonly string[];
  readonly state?: StateCreate;
  readonly work_queue_name?: string;
  readonly job_variables?: Record<string, unknown>;
}

export interface WorkPool {
  readonly id: string;
  readonly name: string;
  readonly type: string;
  readonly is_paused?: boolean;
  readonly concurrency_limit?: number | null;
  readonly status?: string | null;
  readonly default_queue_id?: string | null;
}

export interface WorkPoolCreate {
  readonly name: string;
  readonly type?: string;
  readonly description?: string;
  readonly base_job_template?: Record<string, unknown>;
  readonly is_paused?: boolean;
  readonly concurrency_limit?: number;
}

export interface WorkerFlowRunResponse {
  readonly work_pool_id: string;
  readonly work_queue_id: string;
  readonly flow_run: FlowRun;
}

export interface Worker {
  readonly id: string;
  readonly name: string;
  readonly work_pool_id: string;
  readonly last_heartbeat_time?: string;
  readonly status?: string;
}

/** The `/flow_runs/{id}/graph-v2` answer: what Prefect's UI draws. */
export interface FlowRunGraph {
  readonly nodes: readonly (readonly [string, { readonly id: string; readonly label: string; readonly kind: string; readonly parents: readonly { readonly id: string }[]; readonly state_type: StateType }])[];
  readonly start_time?: string;
  readonly end_time?: string | null;
}

/** Filter bodies are passed through as the server's JSON (`{ flow_runs: { id: { any_: [...] } } }`). */
export type FilterBody = Record<string, unknown>;
