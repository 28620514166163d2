import type { ApprovalDecision, HistoryEntry, SerializedError } from '../adapter.js';
import type { PendingApprovalInfo, RunEvent, RunStatus, StageStatus } from '../events/types.js';

export interface RunRecord {
  readonly runId: string;
  readonly pipelineName: string;
  /** The validated pipeline document (files) so a run can be resumed in a new process. */
  readonly pipeline: unknown;
  /** Absolute path of the pipeline file, when the run came from one. */
  readonly pipelineFile?: string;
  readonly input: unknown;
  readonly status: RunStatus;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly output?: unknown;
  readonly error?: SerializedError;
  /** The shared data bus, saved after every stage so a resume sees it. */
  readonly data?: Record<string, unknown>;
  /** pid of the process running it, to tell a crashed run from a live one (records without `owner`). */
  readonly pid?: number;
  /**
   * The lease owner id (`leaseOwner()`: host, pid, random part) of the process that last ran it. A `running` run
   * with an owner is alive exactly while its lease is held (`getLease`), on any machine sharing the store.
   */
  readonly owner?: string;
}

export interface StageRecord {
  readonly runId: string;
  readonly stageId: string;
  readonly engine: string;
  readonly status: StageStatus;
  readonly attempts: number;
  readonly output?: unknown;
  readonly error?: SerializedError;
  readonly startedAt?: string;
  readonly endedAt?: string;
  readonly durationMs?: number;
}

export interface ApprovalRecord {
  readonly runId: string;
  readonly stageId: string;
  /** The approval (the first, when the stage waits on several). */
  readonly approval: PendingApprovalInfo;
  /**
   * Set when the stage waits on several approvals at once: each, with its decision once given. `decision` is set
   * when the last one is decided (approved when every one was), and the run resumes then.
   */
  readonly approvals?: readonly ApprovalItem[];
  readonly createdAt: string;
  readonly decision?: ApprovalDecision;
  readonly decidedAt?: string;
}

/** One of several approvals a stage waits on at once. */
export interface ApprovalItem extends PendingApprovalInfo {
  readonly decision?: ApprovalDecision;
  readonly decidedAt?: string;
}

export interface ScheduleRecord {
  readonly id: string;
  /** Absolute path of the pipeline file the schedule runs. */
  readonly pipelineFile: string;
  readonly cron?: string;
  readonly intervalMs?: number;
  readonly timezone?: string;
  readonly input?: unknown;
  readonly paused: boolean;
  /** `skip`: do not start while the last run is still going. */
  readonly overlap: 'skip' | 'allow';
  /** What to do with runs missed while no scheduler was running. */
  readonly missed: 'skip' | 'run-once';
  readonly createdAt: string;
  readonly lastRunAt?: string;
  readonly lastRunId?: string;
  readonly nextRunAt?: string;
}

/**
 * One durable point of a run (a stage ended, or the run did): everything the hub writes there, in one call, so a
 * store can make it one transaction. Written in this order: the stage record, the history entries, the approval,
 * the events, then the run patch (as `updateRun`).
 */
export interface RunCommit {
  readonly runId: string;
  readonly stage?: StageRecord;
  readonly history?: readonly HistoryEntry[];
  readonly approval?: ApprovalRecord;
  readonly events?: readonly RunEvent[];
  readonly run?: Partial<Omit<RunRecord, 'runId'>>;
}

/**
 * A value a stage saved while it ran (`context.memo`), kept by (run, stage, key): a DAG node's output, so a retry
 * of the stage or a resume of the run does not run the node again. The value is JSON.
 */
export interface StepResultRecord {
  readonly key: string;
  readonly value: unknown;
  /** ISO time it was (last) saved. */
  readonly savedAt: string;
}

export interface ListRunsOptions {
  readonly limit?: number;
  readonly status?: RunStatus;
}

/** Who owns a run for a while: see `src/store/leases.ts` for how the hub uses leases. */
export interface RunLease {
  readonly runId: string;
  /** The holder's id (`leaseOwner()`: host, pid and a random part), unique per process. */
  readonly owner: string;
  /** ISO time the lease ends unless renewed (the store's clock). */
  readonly expiresAt: string;
  /**
   * Fencing token: grows every time the lease passes to a new holder (not on renewals or a holder's own
   * re-acquire). Compare it to tell a lease taken over since from the one you hold.
   */
  readonly token: number;
}

export interface AcquireLeaseOptions {
  readonly owner: string;
  /** How long the lease lasts without a renewal, in ms (a positive integer). */
  readonly ttlMs: number;
  /** Take the lease only while the run's stored status is one of these (checked in the same atomic step). */
  readonly expect?: readonly RunStatus[];
}

/**
 * The outcome of `acquireLease`: the lease, or why not. `held`: another owner's lease has not expired;
 * `status`: the run's status is not one of `expect`. An unknown run is a NOT_FOUND error.
 */
export type LeaseAcquisition =
  | { readonly acquired: true; readonly lease: RunLease }
  | { readonly acquired: false; readonly reason: 'held'; readonly holder: string; readonly expiresAt: string; readonly status: RunStatus }
  | { readonly acquired: false; readonly reason: 'status'; readonly status: RunStatus };

/**
 * Where runs, stage results, events, approvals and schedules live.
 * The embedded default is SQLite under `.switchyard/`; PostgreSQL (`SWITCHYARD_STORE_URL`) shares one store between machines.
 */
export interface RunStore {
  createRun(run: RunRecord): Promise<void>;
  updateRun(runId: string, patch: Partial<Omit<RunRecord, 'runId'>>): Promise<void>;
  getRun(runId: string): Promise<RunRecord | undefined>;
  listRuns(options?: ListRunsOptions): Promise<RunRecord[]>;

  saveStage(stage: StageRecord): Promise<void>;
  listStages(runId: string): Promise<StageRecord[]>;

  appendHistory(runId: string, entry: HistoryEntry): Promise<void>;
  listHistory(runId: string): Promise<HistoryEntry[]>;

  appendEvent(event: RunEvent): Promise<void>;
  /** Several events at once (one transaction where the store has them); the hub's event bus writes in batches. */
  appendEvents(events: readonly RunEvent[]): Promise<void>;
  listEvents(runId: string): Promise<RunEvent[]>;

  saveApproval(approval: ApprovalRecord): Promise<void>;
  listApprovals(runId: string): Promise<ApprovalRecord[]>;

  /** Saves (or replaces) one step result of a stage of a run; `value` is JSON. An unknown run is a NOT_FOUND error. */
  saveStepResult(runId: string, stageId: string, key: string, value: unknown): Promise<void>;
  /** The stage's step results, in the order their keys were first saved; none for an unknown run or stage. */
  listStepResults(runId: string, stageId: string): Promise<StepResultRecord[]>;

  saveSchedule(schedule: ScheduleRecord): Promise<void>;
  getSchedule(id: string): Promise<ScheduleRecord | undefined>;
  listSchedules(): Promise<ScheduleRecord[]>;
  removeSchedule(id: string): Promise<boolean>;

  /**
   * Takes the run's lease in one atomic step: when it is free, expired, or already this owner's (a re-acquire
   * extends it), and the run's status is one of `expect` when given. Exactly one of several racing callers wins.
   */
  acquireLease(runId: string, options: AcquireLeaseOptions): Promise<LeaseAcquisition>;
  /** Extends a lease still held by `lease.owner` with `lease.token` (by `ttlMs`); undefined when it was lost. */
  renewLease(lease: Pick<RunLease, 'runId' | 'owner' | 'token'>, ttlMs: number): Promise<RunLease | undefined>;
  /** Frees a lease still held by `lease.owner` with `lease.token`; false when it was not held (taken over, or released). */
  releaseLease(lease: Pick<RunLease, 'runId' | 'owner' | 'token'>): Promise<boolean>;
  /** The run's current lease, when one is held and not expired. */
  getLease(runId: string): Promise<RunLease | undefined>;
  /**
   * Claims one firing of a schedule: true for exactly one caller per (schedule, slot), false for every other, in any
   * process sharing the store. `slot` is an ISO time (normalised, so equal instants are the same slot).
   * Claims older than 7 days before a newer claim of the same schedule are pruned.
   */
  claimScheduleSlot(scheduleId: string, slot: string, owner: string): Promise<boolean>;

  /**
   * Writes a durable point all or nothing (one transaction for SQLite). Optional: without it the hub makes the same
   * writes with the single-record calls (`commitRun` in src/store/commit.ts).
   */
  commit?(commit: RunCommit): Promise<void>;

  close(): Promise<void>;
}
