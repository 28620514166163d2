/**
 * The Prefect-server half of `switchyard/prefect`: a typed REST client for Prefect 3, the one
 * state-change helper, deployment trigger-and-wait, the DAG reporter, deploy and the work pool as a
 * `WorkSource` for the core's `Worker` (`createPrefectWorker` in `switchyard`).
 * undici loads on the first request, so importing this barrel stays cheap.
 */
export { PrefectClient } from './client.js';
export type { PrefectClientOptions } from './client.js';
export { PrefectHttp, formatDetail } from './http.js';
export { parseRetryAfter } from 'switchyard/adapter-kit';
export type { RequestStats, HttpOptions } from './http.js';
export { PREFECT_API_VERSION, resolveServerOptions } from './config.js';
export type { ResolvedServerOptions } from './config.js';
export { setState, requireState } from './set-state.js';
export type { SetStateOutcome, SetStateOptions, RunKind } from './set-state.js';
export { triggerDeployment, cancelFlowRun, splitDeploymentName } from './trigger.js';
export type { TriggerOptions, TriggerResult } from './trigger.js';
export { PrefectDagReporter } from './reporter.js';
export type { ReportedDag, DagReportOptions } from './reporter.js';
export { deployPipeline, hashFile, DEPLOYMENT_PARAMETER_SCHEMA } from './deploy.js';
export type { DeployOptions, DeployResult } from './deploy.js';
export { prefectWorkSource, LEASE_LABEL } from './work-source.js';
export type { PrefectWorkSourceOptions, PrefectWorkItem } from './work-source.js';
export { runDeployment, createDagReporter } from './stage.js';
export type { DagShape, StageDagReporter } from './stage.js';
export { serverOptionsSchema, reportOptionsSchema, reportSchema, deploymentTaskSchema } from './schema.js';
export type { ServerOptions, ReportOptions, ReportOption, DeploymentTask } from './schema.js';
export * from './types.js';
