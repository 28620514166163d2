/**
 * The public surface of switchyard's core. Engine adapters live at `switchyard/<engine>`.
 */
export { SwitchyardError, invalidInput, isSwitchyardError, toSwitchyardError, ERROR_CODES } from './errors.js';
export type { ErrorCode, SwitchyardErrorOptions, ValidationIssue } from './errors.js';
export { defineAdapter, waitForApproval, waitForApprovals, isWaitingForApproval } from './adapter.js';
export type {
  OrchestratorAdapter,
  AdapterLoader,
  StageContext,
  HistoryEntry,
  SerializedError,
  ApprovalDecision,
  ResourceRegistry,
  ValidationContext,
  HealthStatus,
  WaitingForApproval,
  StageSchedules,
  StageMemo,
  ScheduleRequest,
  ScheduleRegistration,
} from './adapter.js';
export type { EngineEvent, RunEvent, RunEventType, RunStatus, StageStatus, EventSink, PendingApprovalInfo } from './events/types.js';
export type { RunStore, RunRecord, StageRecord, ApprovalRecord, ApprovalItem, ScheduleRecord, ListRunsOptions, RunLease, AcquireLeaseOptions, LeaseAcquisition, StepResultRecord } from './store/types.js';
export { Resources } from './resources.js';
// Old spellings in pipeline files: PreparedPipeline.warnings, process warnings (SWITCHYARD_DEPRECATED), or a listener.
export { onDeprecation } from './deprecations.js';
export type { Deprecation } from './deprecations.js';
export { openRunStore, openExistingRunStore, resolveHome, leaseOwner, redactUrl, STORE_URL_ENV } from './store/index.js';
export type { OpenRunStoreOptions } from './store/index.js';
export type { PostgresRunStore, PostgresRunStoreOptions } from './store/postgres.js';
export { resolveHandler, isAgentLike } from './handler.js';
export type { Handler, AgentLike, AgentLikeResult, HandlerBinding } from './handler.js';
export {
  HybridOrchestrator,
  loadPipeline,
  validatePipeline,
  readPipelineFile,
  pipelineSchema,
  pipelineFileSchema,
  stageSchema,
  parallelGroupSchema,
  retrySchema,
  pipelineJsonSchema,
  newRunId,
  custom,
} from './pipeline/index.js';
export type {
  HybridOrchestratorOptions,
  PipelineInput,
  ResumeOptions,
  ApproveOptions,
  RejectOptions,
  PipelineResult,
  PipelineStatus,
  StageResult,
  RunOptions,
  PendingApproval,
  Pipeline,
  StageSpec,
  ParallelGroupSpec,
  PipelineStep,
  BuiltinEngineType,
  CustomEngineType,
  StageType,
  RetryPolicy,
  OnFailure,
  ExpressionScope,
  PreparedPipeline,
  ModuleRegistrar,
  ValidatePipelineOptions,
} from './pipeline/index.js';
export { DEFAULT_EXPRESSION_LIMITS, EXPRESSION_LIMIT_ENV, resolveExpressionLimits } from './pipeline/expression-limits.js';
export type { ExpressionLimits } from './pipeline/expression-limits.js';
export { AdapterRegistry } from './registry.js';
export type { AdapterSource, AdapterRegistryOptions } from './registry.js';
export { MemoryRunStore } from './store/memory.js';
export { JsonlSink, OtelSink, ProgressSink, RunEventBus } from './events/index.js';
export type { OtelSinkOptions, ProgressSinkOptions } from './events/index.js';
export { createScheduleRecord, createPipelineRunner, assertCron, assertTimezone, parseDuration, nextRunAt, describeSchedule } from './schedule/index.js';
export type { Scheduler, SchedulerFactory, SchedulerOptions, SchedulerEvent, ScheduledRunner, ScheduledRunOutcome, ScheduleStore, StopOptions, StopReport, FireTrigger, NewScheduleOptions } from './schedule/index.js';
export {
  OrchestratorSelector,
  SelectorCore,
  CAPABILITY_PRECEDENCE,
  selectOrchestrator,
  recommendOrchestrator,
  getOrchestratorGuide,
  getProfile,
  listAllProfiles,
  registerOrchestrator,
  loadOrchestratorProfiles,
} from './selector/index.js';
export type { SelectInput, SelectDecision, SelectRule, SelectFlags, Recommendation, RecommendReason, RankedAlternative, PlanStage, OrchestratorSelectorOptions, RegisterOptions } from './selector/index.js';
export { profileSchema, parseProfile, loadProfileFile, loadProfilesDir, builtinProfiles, BUILTIN_TYPES } from './profiles/index.js';
export type { OrchestratorProfile, ProfileInput, ProfileIntent, GuideEntry, BuiltinOrchestratorType, OrchestratorTypeName } from './profiles/index.js';
// Seed 002's names and the other aliases (select_orchestrator, recommend_orchestrator, get_orchestrator_guide,
// select, recommend, OrchestratorType): one module, so the exports above have one name per thing.
export * from './compat.js';
export { Worker, pipelineExecutor, createPrefectWorker } from './worker/index.js';
export type {
  WorkerOptions,
  PipelineExecutor,
  PipelineExecutorOptions,
  PipelineRunner,
  PrefectWorkerOptions,
  PrefectPoolWorker,
  PrefectWorkItem,
  WorkSource,
  WorkItem,
  WorkerInfo,
  ClaimOutcome,
  FinalState,
  WorkResult,
  WorkLogLine,
  WorkLogLevel,
  WorkJob,
  WorkOutcome,
  WorkExecutor,
  WorkerEvent,
} from './worker/index.js';
