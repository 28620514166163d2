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
  /** pid of the process running it, to tell a crashed run from a live one. */
  readonly pid?: number;
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
  readonly approval: PendingApprovalInfo;
  readonly createdAt: string;
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

export interface ListRunsOptions {
  readonly limit?: number;
  readonly status?: RunStatus;
}

/**
 * Where runs, stage results, events, approvals and schedules live.
 * The embedded default is SQLite under `.switchyard/`; PostgreSQL can implement the same interface.
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

  saveSchedule(schedule: ScheduleRecord): Promise<void>;
  getSchedule(id: string): Promise<ScheduleRecord | undefined>;
  listSchedules(): Promise<ScheduleRecord[]>;
  removeSchedule(id: string): Promise<boolean>;

  close(): Promise<void>;
}
