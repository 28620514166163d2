/**
 * Workers: a loop that claims work from a queue (`WorkSource`) and runs it, by default the pipeline the work
 * carries through `HybridOrchestrator`. The Prefect work pool is the built-in source (`createPrefectWorker`).
 */
export { Worker } from './worker.js';
export type { WorkerOptions } from './worker.js';
export { pipelineExecutor, leaseCheckOf, checkModuleHashes } from './pipeline-executor.js';
export type { PipelineExecutor, PipelineExecutorOptions, PipelineRunner } from './pipeline-executor.js';
export { createPrefectWorker } from './prefect.js';
export type { PrefectWorkerOptions, PrefectPoolWorker, PrefectWorkItem } from './prefect.js';
export type { WorkSource, WorkItem, WorkerInfo, ClaimOutcome, FinalState, WorkResult, WorkLogLine, WorkLogLevel, WorkJob, WorkOutcome, WorkExecutor, WorkerEvent, LeaseCheck } from './source.js';
