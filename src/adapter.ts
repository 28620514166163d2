import type { z } from 'zod';
import type { Deprecation } from './deprecations.js';
import type { EngineEvent, PendingApprovalInfo, StageStatus } from './events/types.js';

/** One entry of the audit trail (seed 003's WorkflowContext.history). */
export interface HistoryEntry {
  readonly stageId: string;
  /** The engine type that ran the stage (`agno`, `langgraph`, ...), or `hub` for decisions. */
  readonly engine: string;
  readonly attempt: number;
  /** ISO timestamps. */
  readonly startedAt: string;
  readonly endedAt: string;
  readonly durationMs: number;
  readonly outcome: StageStatus | 'retry' | 'decision';
  readonly output?: unknown;
  readonly error?: SerializedError;
  /** Why the hub did something: the `auto` engine decision, a skipped `when`, a failure path taken. */
  readonly reasons?: readonly string[];
}

export interface SerializedError {
  readonly code: string;
  readonly message: string;
  readonly path?: string;
  readonly details?: Readonly<Record<string, unknown>>;
}

/** The decision a human gave on a pending approval; handed to the stage when the run resumes. */
export interface ApprovalDecision {
  readonly approved: boolean;
  readonly data?: Readonly<Record<string, unknown>>;
  readonly reason?: string;
  readonly by?: string;
}

/**
 * What every stage sees: seed 003's WorkflowContext plus cancellation and events.
 * The hub builds one per stage attempt; adapters never talk to each other, only to this.
 */
export interface StageContext {
  readonly runId: string;
  readonly stageId: string;
  /** The engine type running this stage. */
  readonly engine: string;
  readonly pipelineName: string;
  readonly goal: string;
  /** 1 for the first attempt. */
  readonly attempt: number;
  /** The run's input as given to `run(pipeline, { input })`. */
  readonly runInput: unknown;
  /** This stage's input: the stage's `input` transformer applied, or the previous stage's output. */
  readonly input: unknown;
  /** The shared data bus: stages may read and write it. */
  readonly data: Record<string, unknown>;
  readonly history: readonly HistoryEntry[];
  /** The last output of a stage id or of an engine type; with no argument, of the last completed stage. */
  getLastOutput(typeOrStageId?: string): unknown;
  /** Aborted on cancellation, on the run deadline and on the stage timeout. */
  readonly signal: AbortSignal;
  /** Forward an engine-level event (progress, node started, tool called). */
  emit(event: EngineEvent): void;
  /** Where switchyard keeps its files (`SWITCHYARD_HOME`, default `./.switchyard`). */
  readonly home: string;
  /** Directory the pipeline file lives in (or the working directory for code pipelines); relative paths resolve from here. */
  readonly baseDir: string;
  /**
   * The folders the operator allows documents to be read from (absolute): the hub's `documentRoots` option or
   * `SWITCHYARD_DOCUMENT_ROOTS`, else the pipeline's folder. A task may narrow them, never widen them.
   */
  readonly documentRoots: readonly string[];
  /** Set when the run is resumed after a human decision on this stage's pending approval. */
  readonly approval?: ApprovalDecision;
  /**
   * Set when the stage waited on several approvals at once (`waitForApprovals`) and every one was decided: each
   * decision by its `approvalId`. `approval` is then their summary: approved when every one was.
   */
  readonly approvals?: Readonly<Record<string, ApprovalDecision>>;
  /** Things the pipeline declared or the caller registered that adapters may look up by name (agents, tools, handlers, graphs). */
  readonly resources: ResourceRegistry;
  /** The hub's schedules: a stage registers the cron schedule that runs its pipeline again, in the hub's run store. */
  readonly schedules: StageSchedules;
  /**
   * Values this stage keeps across its attempts and across a resume of the run (in another process too), in the
   * run store: what an adapter saves here a retry or a resume of the same stage finds again, so finished work is
   * not done twice (the prefect adapter's completed DAG nodes). A new run starts empty. Set by the hub and
   * `createTestContext`; optional so contexts built elsewhere need not provide it.
   */
  readonly memo?: StageMemo;
}

/**
 * A stage's memo (`context.memo`): JSON values by key, scoped to one run and one stage. A stage run again by an
 * `onFailure.goto` jump after it completed starts with an empty memo; a retry or a resume does not.
 */
export interface StageMemo {
  /** The value saved under `key`, or undefined when none was. */
  get(key: string): Promise<unknown | undefined>;
  /** Saves (or replaces) a JSON value under `key`; it is in the store when the promise resolves. */
  set(key: string, value: unknown): Promise<void>;
  /** Every value saved so far, by key, in one read: for an adapter that looks many keys up at once. */
  entries(): Promise<ReadonlyMap<string, unknown>>;
}

/** A cron schedule a stage asks the hub to keep for the run's pipeline file. */
export interface ScheduleRequest {
  /** Default: `<pipeline name>.<stage id>`, characters other than letters, digits and `_ . : -` replaced by `-`. */
  readonly id?: string;
  readonly cron: string;
  /** IANA time zone of the cron expression (default UTC). */
  readonly timezone?: string;
  /** Default: the existing schedule's, else `skip`. */
  readonly overlap?: 'skip' | 'allow';
  /** Default: the existing schedule's, else `skip`. */
  readonly missed?: 'skip' | 'run-once';
}

/**
 * What registering gave: the schedule id (and whether the stored schedule changed), or why nothing was registered.
 * `alreadyScheduled`: another schedule (say one from `switchyard schedule add`) already runs the pipeline file at
 * the same times; `id` is that schedule's and no second one was added.
 */
export type ScheduleRegistration =
  | { readonly registered: true; readonly id: string; readonly changed: boolean; readonly alreadyScheduled?: boolean }
  | { readonly registered: false; readonly reason: string };

/** Schedules as a stage sees them; the hub writes them to the run store it was given. */
export interface StageSchedules {
  /**
   * Upserts a cron schedule pointing at the run's pipeline file. Idempotent: an unchanged schedule keeps its state
   * (paused, last run); a changed cron, zone or file is updated in place. A schedule of the same file and timing
   * under another id is not duplicated. Code pipelines (no file) cannot be run again by a scheduler, so they are
   * not registered.
   */
  register(request: ScheduleRequest): Promise<ScheduleRegistration>;
}

/** Named things users register in code or list in pipeline files: agents, tools, handlers, workflows. */
export interface ResourceRegistry {
  get<T = unknown>(kind: string, name: string): T | undefined;
  has(kind: string, name: string): boolean;
  names(kind: string): string[];
  set(kind: string, name: string, value: unknown): void;
}

const WAITING = Symbol.for('switchyard.waiting');

/** What an adapter returns when the stage must stop for a human: the run ends with status `waiting`. */
export interface WaitingForApproval {
  readonly [WAITING]: true;
  readonly approval: PendingApprovalInfo;
  /** Several approvals at once (see `waitForApprovals`), each with its `approvalId`; `approval` is the first. */
  readonly approvals?: readonly PendingApprovalInfo[];
  /** Partial output so far (for example the graph state at the interrupt). */
  readonly partial?: unknown;
}

export function waitForApproval(approval: PendingApprovalInfo, partial?: unknown): WaitingForApproval {
  return { [WAITING]: true, approval, partial };
}

/**
 * The stage waits on several approvals at once (parallel LangGraph nodes that each interrupted): each needs an
 * `approvalId` of its own and is decided on its own; the run waits until every one is, then the stage runs again
 * with `context.approvals` (each decision by id). One approval is the same as `waitForApproval`.
 */
export function waitForApprovals(approvals: readonly PendingApprovalInfo[], partial?: unknown): WaitingForApproval {
  if (approvals.length === 0) throw new TypeError('waitForApprovals: expected at least one approval');
  if (approvals.length === 1) return waitForApproval(approvals[0]!, partial);
  const ids = new Set(approvals.map((a) => a.approvalId));
  if (ids.has(undefined) || ids.size !== approvals.length) {
    throw new TypeError(`waitForApprovals: expected a distinct approvalId on each of ${approvals.length} approvals; got ${JSON.stringify(approvals.map((a) => a.approvalId ?? null))}`);
  }
  return { [WAITING]: true, approval: approvals[0]!, approvals: [...approvals], partial };
}

export function isWaitingForApproval(value: unknown): value is WaitingForApproval {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[WAITING] === true;
}

/** Context for validating a stage's task against what the pipeline declares (agent names, handlers, paths). */
export interface ValidationContext {
  readonly path: string;
  readonly resources: ResourceRegistry;
  readonly baseDir: string;
  /**
   * Every stage id of the pipeline (stages, parallel groups and their branches), so an adapter can check the
   * `outputs.<id>` references in its task's expressions (`checkOutputReferences`). Set by the hub when it validates.
   */
  readonly stageIds?: readonly string[];
  /**
   * Reports an old spelling the adapter accepted (the pipeline's `warnings`). Task schemas need not call it:
   * values marked with `markDeprecated` are found after parsing. For what an adapter parses itself (`declares`).
   */
  warn?(deprecation: Deprecation): void;
}

export interface HealthStatus {
  readonly ok: boolean;
  readonly detail?: string;
}

/**
 * The one seam every engine sits behind.
 * `taskSchema` validates a stage's `task` before anything runs; `execute` runs it.
 * An adapter must honour `context.signal` (reject promptly with a CANCELLED or TIMEOUT SwitchyardError
 * or an AbortError) and may emit engine events through `context.emit`.
 */
export interface OrchestratorAdapter<Task = unknown, Output = unknown> {
  readonly type: string;
  readonly taskSchema: z.ZodType<Task>;
  execute(task: Task, context: StageContext): Promise<Output | WaitingForApproval>;
  /** Checks that need more than the schema (unknown agent or handler names); throw a SwitchyardError naming `ctx.path`. */
  validate?(task: Task, ctx: ValidationContext): void;
  /**
   * Top-level pipeline keys this adapter owns (for example `agents` for agno). The core pipeline schema
   * accepts them as opaque values; `prepare` validates them and registers resources before tasks are validated.
   */
  readonly declares?: readonly string[];
  /** Called once per pipeline before task validation, for every adapter a stage uses or whose `declares` keys are present. */
  prepare?(declarations: Readonly<Record<string, unknown>>, ctx: ValidationContext): void | Promise<void>;
  health?(): Promise<HealthStatus>;
  close?(): Promise<void>;
}

/** Lazily loads an adapter; the registry calls it the first time a stage needs the type. */
export type AdapterLoader = () => Promise<OrchestratorAdapter>;

export function defineAdapter<Task, Output>(adapter: OrchestratorAdapter<Task, Output>): OrchestratorAdapter<Task, Output> {
  return adapter;
}
