import type { RunStore, ScheduleRecord } from '../store/types.js';

/**
 * The part of the run store a scheduler needs; any RunStore satisfies it. With `claimScheduleSlot` (every
 * RunStore has it) several schedulers sharing the store fire each slot once.
 */
export type ScheduleStore = Pick<RunStore, 'saveSchedule' | 'getSchedule' | 'listSchedules' | 'removeSchedule'> & Partial<Pick<RunStore, 'claimScheduleSlot'>>;

/** Why a schedule fired: its time came, or the missed-run policy caught up on start. */
export type FireTrigger = 'schedule' | 'missed';

export interface ScheduledRunOutcome {
  readonly runId: string;
  /** The pipeline run's final status (`completed`, `failed`, ...). */
  readonly status: string;
}

/**
 * Runs one firing of a schedule: the scheduler calls it in its own process (never in a worker).
 * The CLI's implementation runs the pipeline file through HybridOrchestrator with the given runId and signal.
 */
export interface ScheduledRunner {
  run(
    schedule: ScheduleRecord,
    options: {
      readonly runId: string;
      readonly signal: AbortSignal;
      readonly trigger: FireTrigger;
      /**
       * To be called once the run record exists (before the pipeline's stages run): the scheduler points the
       * schedule at the run then, so no stop leaves it pointing at a run never recorded. A runner that does not
       * call it gets the schedule updated when `run` returns.
       */
      readonly onRecorded?: () => Promise<void>;
    },
  ): Promise<ScheduledRunOutcome>;
  /** Called for runs still going when the stop grace period ends (mark them `interrupted` in the run store). */
  interrupted?(runId: string, schedule: ScheduleRecord): Promise<void>;
}

export type SchedulerEvent =
  | { readonly type: 'scheduler.started'; readonly schedules: number }
  | { readonly type: 'schedule.armed'; readonly scheduleId: string; readonly nextRunAt: string }
  | { readonly type: 'schedule.fired'; readonly scheduleId: string; readonly runId: string; readonly trigger: FireTrigger; readonly slot?: string }
  | { readonly type: 'schedule.skipped'; readonly scheduleId: string; readonly reason: 'overlap' | 'missed' | 'paused' | 'claimed'; readonly slot?: string }
  | { readonly type: 'run.finished'; readonly scheduleId: string; readonly runId: string; readonly status: string }
  | { readonly type: 'run.interrupted'; readonly scheduleId: string; readonly runId: string }
  | { readonly type: 'scheduler.error'; readonly scheduleId?: string; readonly message: string }
  | { readonly type: 'scheduler.stopped'; readonly finished: number; readonly interrupted: number };

export interface SchedulerOptions {
  readonly store: ScheduleStore;
  readonly runner: ScheduledRunner;
  /** Called for every scheduler event (log lines in the CLI, assertions in tests). */
  readonly onEvent?: (event: SchedulerEvent) => void;
  /** How often to look for schedules added, paused or removed by another process (`switchyard schedule ...`); default 2000 ms, 0 to disable. */
  readonly reloadMs?: number;
  /** This scheduler's id in slot claims (default host:pid:random). */
  readonly owner?: string;
}

export interface StopOptions {
  /** How long running pipelines may take to finish before they are aborted and recorded as interrupted; default 30 s. */
  readonly graceMs?: number;
  /** Ends the grace period early when aborted (a second stop signal): running pipelines are aborted and recorded at once. */
  readonly hurry?: AbortSignal;
}

export interface StopReport {
  readonly finished: number;
  readonly interrupted: readonly string[];
}

/**
 * The scheduler seam: decides when scheduled pipelines fire. The embedded default is bree in the
 * local process (`switchyard/prefect`'s `createLocalScheduler`); Prefect deployments are the scale-out.
 */
export interface Scheduler {
  /** Loads schedules from the store, applies the missed-run policy and arms timers. */
  start(): Promise<void>;
  /** Stops firing, waits up to `graceMs` for running pipelines, then aborts and reports the rest. */
  stop(options?: StopOptions): Promise<StopReport>;
  /** Re-reads the store and re-arms changed schedules. */
  reload(): Promise<void>;
  /** Runs currently in flight, by schedule id. */
  running(): ReadonlyMap<string, string>;
}

export type SchedulerFactory = (options: SchedulerOptions) => Scheduler;
