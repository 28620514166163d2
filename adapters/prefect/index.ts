/**
 * `switchyard/prefect`: scheduled workflows and DAGs. The embedded default is a local DAG engine with
 * cron and interval schedules fired by bree; a real Prefect server is the scale-out (./server/).
 * This barrel imports no engine SDK: bree and undici load only when used.
 */
import type { OrchestratorAdapter } from 'switchyard/adapter-kit';
import { createPrefectAdapter } from './adapter.js';

export { createPrefectAdapter } from './adapter.js';
export type { PrefectAdapterOptions, ScheduledEtlResult, PrefectServerModule, DagShape, DagReporter } from './adapter.js';
export {
  prefectTaskSchema,
  dagTaskSchema,
  scheduledEtlTaskSchema,
  deploymentTaskSchema,
  workflowSchema,
  dagNodeSchema,
  retrySchema,
  reportSchema,
} from './task-schema.js';
export type { PrefectTask, DagTask, ScheduledEtlTask, DeploymentTask, WorkflowSpec, DagNodeSpec, RetryOption, EtlSource, ReportOption } from './task-schema.js';
export { compileDag } from './local/compile.js';
export type { CompiledDag } from './local/compile.js';
export type { DagResult, DagNodeInput, DagObserver, DagRunOptions } from './local/engine.js';
export { createLocalScheduler, BreeScheduler } from './local/bree-scheduler.js';
// The Prefect-server half (REST client, state helper, trigger, reporter, deploy, work source); undici loads on first request.
export {
  PrefectClient,
  PrefectHttp,
  PREFECT_API_VERSION,
  setState,
  requireState,
  triggerDeployment,
  cancelFlowRun,
  PrefectDagReporter,
  deployPipeline,
  prefectWorkSource,
  serverOptionsSchema,
  reportOptionsSchema,
} from './server/index.js';
export type {
  PrefectClientOptions,
  RequestStats,
  SetStateOutcome,
  SetStateOptions,
  TriggerOptions,
  TriggerResult,
  ReportedDag,
  DagReportOptions,
  DeployOptions,
  DeployResult,
  PrefectWorkSourceOptions,
  PrefectWorkItem,
  ServerOptions,
  ReportOptions,
  State,
  StateType,
  StateCreate,
  FlowRun,
  TaskRun,
  Deployment,
  WorkPool,
} from './server/index.js';

/** The registry's entry point (src/builtin-adapters.ts). */
export function createAdapter(): OrchestratorAdapter {
  return createPrefectAdapter() as OrchestratorAdapter;
}

/** Runs a compiled DAG directly (benchmarks, embedding); loads the engine on first use. */
export async function runDag(...args: Parameters<typeof import('./local/engine.js').runDag>): ReturnType<typeof import('./local/engine.js').runDag> {
  const engine = await import('./local/engine.js');
  return engine.runDag(...args);
}
