import type { ApprovalDecision, HistoryEntry, SerializedError } from '../adapter.js';
import type { EventSink, PendingApprovalInfo, StageStatus } from '../events/types.js';

export type PipelineStatus = 'completed' | 'failed' | 'partial' | 'cancelled' | 'waiting';

export interface StageResult {
  readonly id: string;
  /** The engine type, or `parallel` for a group. */
  readonly type: string;
  readonly status: StageStatus;
  readonly output?: unknown;
  readonly error?: SerializedError;
  readonly attempts: number;
  readonly startedAt?: string;
  readonly endedAt?: string;
  readonly durationMs?: number;
  /** The approval decision the stage resumed with (who, why, the data), when it waited for one. */
  readonly decision?: ApprovalDecision;
}

/** One approval decision a run resumed with, and the stage it was for. */
export interface StageDecision extends ApprovalDecision {
  readonly stageId: string;
}

export interface PendingApproval extends PendingApprovalInfo {
  readonly stageId: string;
}

export interface PipelineResult {
  readonly runId: string;
  readonly pipeline: string;
  readonly status: PipelineStatus;
  readonly stages: readonly StageResult[];
  /** The output of the last completed stage. */
  readonly output: unknown;
  readonly history: readonly HistoryEntry[];
  /** The shared data bus at the end of the run. */
  readonly data: Readonly<Record<string, unknown>>;
  readonly startedAt: string;
  readonly endedAt: string;
  readonly durationMs: number;
  readonly error?: SerializedError;
  /**
   * The approval decisions this run resumed with, in order (who, why, the data). A rejection ends the run `failed`
   * with error code REJECTED; `switchyard runs show` lists every decision of the run.
   */
  readonly decisions?: readonly StageDecision[];
  readonly pendingApproval?: PendingApproval;
  /**
   * Set when a stage waits on several approvals at once (parallel approval nodes): every one still undecided, each
   * with its `approvalId`; `pendingApproval` is the first. Decide each with `approve`/`reject` and its `approvalId`
   * or `point`; the run resumes when the last is decided.
   */
  readonly pendingApprovals?: readonly PendingApproval[];
}

export interface RunOptions {
  /** The run input: the first stage's input and `input` in expressions. */
  readonly input?: unknown;
  /** Cancels the run: the running stage is aborted and the run ends `cancelled`. */
  readonly signal?: AbortSignal;
  /** Overall deadline in ms (overrides the pipeline's `deadlineMs`). */
  readonly deadlineMs?: number;
  /** Use this run id instead of a generated one. */
  readonly runId?: string;
  /** Sinks for this run only, in addition to the orchestrator's. */
  readonly sinks?: readonly EventSink[];
  /**
   * Called once the run record exists and this process holds the run's lease, before any stage runs (the
   * scheduler points the schedule at the run here, so it never points at a run that was not recorded).
   */
  readonly onRecorded?: (run: { readonly runId: string }) => void | Promise<void>;
}
