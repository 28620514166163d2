/**
 * The adapter kit (`switchyard/adapter-kit`): everything an engine adapter may use from the core, and nothing else.
 * Adapters import this entry (plus their own folder and their SDKs); the core reaches adapters only through the
 * lazy loaders in `src/builtin-adapters.ts`. Testing helpers live at `switchyard/adapter-kit/testing`.
 */

// The seam: the adapter interface, the stage context, waiting for a human.
export { defineAdapter, waitForApproval, waitForApprovals, isWaitingForApproval } from '../adapter.js';
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
} from '../adapter.js';
export type { EngineEvent, PendingApprovalInfo, StageStatus, RunStatus } from '../events/types.js';

// Errors: one base class with a closed union of codes.
export { SwitchyardError, invalidInput, isSwitchyardError, toSwitchyardError, describeValue, ERROR_CODES } from '../errors.js';
export type { ErrorCode, SwitchyardErrorOptions, ValidationIssue } from '../errors.js';

// Abort and timeout helpers: one withTimeout (a signal, or work run under one), one raceAbort.
export { NEVER_ABORTED, abortError, throwIfAborted, sleep, withTimeout, timeoutSignal, timeoutError, raceAbort, onAbort } from '../abort.js';
export { parseRetryAfter } from '../retry-after.js';
export { durationMs, MAX_TIMER_MS } from '../durations.js';

// Files under the switchyard home are private to their owner (0700 folders, 0600 files), whatever the umask.
export { ensurePrivateDir, ensurePrivateFile } from '../store/private-files.js';

// Handlers, agents and named resources.
export { resolveHandler, unknownHandlerError, isAgentLike } from '../handler.js';
export type { Handler, AgentLike, AgentLikeResult, HandlerBinding } from '../handler.js';
export { Resources, KNOWN_KINDS } from '../resources.js';

// Expressions (JSONata in files, functions in code).
export { compileExpression, toEvaluator, resolveExpressionLimits, DEFAULT_EXPRESSION_LIMITS, EXPRESSION_LIMIT_ENV } from '../pipeline/expressions.js';
export { outputReferences, checkOutputReferences } from '../pipeline/references.js';
export type { OutputReference } from '../pipeline/references.js';
export type { Evaluator, EvaluateOptions, CompileOptions, ExpressionLimits } from '../pipeline/expressions.js';
export type { ExpressionScope } from '../pipeline/schema.js';

// The one retry dialect, shared by stages, graph nodes, DAG tasks and agents: the schema, its defaults applied
// once, the delay, which errors are worth another attempt, and the helper that runs attempts under a signal.
export { retrySchema, resolveRetry, retryDelay, jitteredDelay, isRetryable, errorCodeOf, withRetry, describeRetry, RETRY_DEFAULTS } from '../retry.js';
export type { RetryPolicy, ResolvedRetry, RetryHooks } from '../retry.js';

// Old spellings in pipeline files: a schema translates them and marks the result; validation reports the marks.
export { markDeprecated, collectDeprecations, formatDeprecation } from '../deprecations.js';
export type { Deprecation } from '../deprecations.js';

// The scheduler seam (the embedded scheduler is an adapter of it) and schedule timing.
export { nextRunAt, assertCron, assertTimezone, parseDuration } from '../schedule/timing.js';
export { createScheduleRecord } from '../schedule/records.js';
export type { Scheduler, SchedulerFactory, SchedulerOptions, SchedulerEvent, StopOptions, StopReport, FireTrigger, ScheduledRunner, ScheduledRunOutcome } from '../schedule/types.js';
export type { ScheduleRecord } from '../store/types.js';

// The model-provider seam: the interface, and the built-in OpenAI-compatible providers loaded on first use.
export { isModelProvider } from '../models/types.js';
export type { ModelProvider, ChatMessage, ChatRequest, ChatResponse, ChatStreamPart, ChatToolCall, ChatToolSpec, Usage } from '../models/types.js';
export { loadModelProviders } from '../models/load.js';

// The worker seam: a queue of claimable work the core's Worker drives (the Prefect adapter's work pool is one).
export type { WorkSource, WorkItem, WorkerInfo, ClaimOutcome, FinalState, WorkResult, WorkLogLine, WorkLogLevel, WorkJob, WorkOutcome, WorkExecutor, WorkerEvent } from '../worker/source.js';
