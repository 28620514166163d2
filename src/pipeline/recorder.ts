import type { HistoryEntry, SerializedError } from '../adapter.js';
import type { RunEventBus, RunEventInput } from '../events/bus.js';
import type { PendingApprovalInfo, StageStatus } from '../events/types.js';
import { commitRun } from '../store/commit.js';
import type { RunCommit, RunStore, StageRecord } from '../store/types.js';

type Writable<T> = { -readonly [K in keyof T]: T[K] };

/** A commit the recorder builds up: one outcome, the notes after it, then the events when it is written. */
type HeldCommit = Writable<Omit<RunCommit, 'history'>> & { history: HistoryEntry[] };

/**
 * How a stage or a parallel group ended: the one description every outcome (completed, failed, cancelled,
 * skipped, waiting, a group's fan-in) is recorded from. Times are ISO strings.
 */
export interface StageOutcome {
  readonly stageId: string;
  readonly engine: string;
  readonly status: Exclude<StageStatus, 'pending' | 'running'>;
  readonly attempts: number;
  readonly startedAt: string;
  readonly endedAt: string;
  readonly durationMs: number;
  /** The output (a waiting stage's partial output); absent when there is none. */
  readonly output?: unknown;
  readonly error?: SerializedError;
  readonly reasons?: readonly string[];
  /** A waiting stage's approval point. */
  readonly approval?: PendingApprovalInfo;
  /** A stage waiting on several approvals at once: each (`approval` is the first). */
  readonly approvals?: readonly PendingApprovalInfo[];
  /**
   * A parallel group's fan-in: announced by its branches' events, so it emits none of its own; its record keeps the
   * output even when empty, its history entry only when `keepOutput`.
   */
  readonly fanIn?: boolean;
  /** The output can be looked up by stage id (`getLastOutput(id)`, expressions' `outputs`). */
  readonly keepOutput?: boolean;
  /** The output is the next step's input (`previous`). */
  readonly passOn?: boolean;
}

/**
 * What a run has done so far, and where it goes: the history, the stage records and outputs, the event and the
 * store writes for each outcome. The run loop decides what happens; everything it learns goes through `record`.
 */
export class RunRecorder {
  readonly runId: string;
  readonly history: HistoryEntry[];
  /** Stage records by stage id, in the order stages first ended. */
  readonly records = new Map<string, StageRecord>();
  readonly outputs = new Map<string, unknown>();
  /** The output the next step gets as `previous`, once one passed one on. */
  last: { value: unknown } | undefined;
  readonly #store: RunStore;
  readonly #bus: RunEventBus;
  readonly #data: Record<string, unknown>;
  /** The data bus as last written to the store: unchanged data is not written again. */
  #savedData: string;
  /** A step's outcome not written yet: it goes to the store before anything else runs (`durable()`), or with the run's end. */
  #held: HeldCommit | undefined;

  constructor(init: {
    readonly runId: string;
    readonly store: RunStore;
    readonly bus: RunEventBus;
    readonly data: Record<string, unknown>;
    readonly history?: readonly HistoryEntry[];
    readonly stages?: readonly StageRecord[];
  }) {
    this.runId = init.runId;
    this.#store = init.store;
    this.#bus = init.bus;
    this.#data = init.data;
    this.history = [...(init.history ?? [])];
    for (const record of init.stages ?? []) {
      this.records.set(record.stageId, record);
      if (record.status === 'completed') this.outputs.set(record.stageId, record.output);
    }
    this.#savedData = JSON.stringify(init.data);
  }

  /** `context.getLastOutput`: one function per run, shared by every stage context. */
  readonly getLastOutput = (typeOrStageId?: string): unknown => {
    if (typeOrStageId === undefined) return this.last?.value;
    if (this.outputs.has(typeOrStageId)) return this.outputs.get(typeOrStageId);
    for (let i = this.history.length - 1; i >= 0; i--) {
      const entry = this.history[i]!;
      if (entry.outcome === 'completed' && entry.engine === typeOrStageId) return entry.output;
    }
    return undefined;
  };

  /**
   * Records how a stage or group ended: its history entry and stage record, and its event; then writes them to the
   * store in one commit (one transaction for SQLite) with the events buffered since the last one, the approval of a
   * waiting stage and the data bus when a stage changed it. This is the run's durable point: a resume starts from
   * here. The run's state is updated before the first await, so stages running in parallel see it at once.
   *
   * `hold` (a top-level step's outcome): the commit waits for `durable()`, which the run loop calls before it runs
   * anything else, or joins the run's last commit when nothing runs after it, so a run's last step and its end cost
   * one transaction. Until then nothing can happen that a resume would need: no stage code runs in between.
   */
  async record(outcome: StageOutcome, options: { readonly hold?: boolean } = {}): Promise<StageRecord> {
    const { stageId, engine, status, attempts, startedAt, endedAt, durationMs, error } = outcome;
    const hasOutput = 'output' in outcome;
    const inHistory = hasOutput && (!outcome.fanIn || outcome.keepOutput === true);
    const { reasons } = outcome;
    const runId = this.runId;
    // A completed stage (every stage of most runs) gets plain literals: no spreads to run, compact objects to keep.
    // Either way the key order is the same, and so is the stored JSON.
    const entry: HistoryEntry =
      inHistory && !error && !reasons
        ? { stageId, engine, attempt: attempts, startedAt, endedAt, durationMs, outcome: status, output: outcome.output }
        : {
            stageId,
            engine,
            attempt: attempts,
            startedAt,
            endedAt,
            durationMs,
            outcome: status,
            ...(inHistory ? { output: outcome.output } : {}),
            ...(error ? { error } : {}),
            ...(reasons ? { reasons } : {}),
          };
    const record: StageRecord =
      hasOutput && !error
        ? { runId, stageId, engine, status, attempts, output: outcome.output, startedAt, endedAt, durationMs }
        : { runId, stageId, engine, status, attempts, ...(hasOutput ? { output: outcome.output } : {}), ...(error ? { error } : {}), startedAt, endedAt, durationMs };
    this.history.push(entry);
    this.records.set(stageId, record);
    if (outcome.keepOutput) this.outputs.set(stageId, outcome.output);
    if (outcome.passOn) this.last = { value: outcome.output };
    if (!outcome.fanIn) this.#bus.emit(stageEvent(outcome));
    const commit: HeldCommit = { runId, stage: record, history: [entry] };
    if (status === 'waiting' && outcome.approval) {
      commit.approval = { runId, stageId, approval: outcome.approval, ...(outcome.approvals ? { approvals: outcome.approvals } : {}), createdAt: endedAt };
    }
    // a skip runs no stage code, so it cannot have changed the data bus
    const data = status === 'skipped' ? undefined : this.#changedData();
    if (data) commit.run = { data };
    const previous = this.#held;
    if (previous) {
      this.#held = undefined;
      await this.#write(previous);
    }
    if (options.hold) this.#held = commit;
    else await this.#write(commit);
    return record;
  }

  /** A history entry that ends no stage (a retry, a hub decision), with its event; it joins a held commit. */
  async note(entry: HistoryEntry, event: RunEventInput): Promise<void> {
    this.history.push(entry);
    this.#bus.emit(event);
    if (this.#held) this.#held.history.push(entry);
    else await this.#store.appendHistory(this.runId, entry);
  }

  /** Whether an outcome waits to be written (`durable()`). */
  get holding(): boolean {
    return this.#held !== undefined;
  }

  /** Writes the held outcome, if any, with the events buffered so far. */
  async durable(): Promise<void> {
    const held = this.#held;
    if (!held) return;
    this.#held = undefined;
    await this.#write(held);
  }

  /** The held outcome (without events), for the run's last commit; the recorder forgets it. */
  takeHeld(): RunCommit | undefined {
    const held = this.#held;
    this.#held = undefined;
    return held;
  }

  #write(commit: HeldCommit): Promise<void> {
    commit.events = this.#bus.take();
    return commitRun(this.#store, commit);
  }

  /** The data bus when a stage changed it since it was last written, so a resume sees it. */
  #changedData(): Record<string, unknown> | undefined {
    const json = JSON.stringify(this.#data);
    if (json === this.#savedData) return undefined;
    this.#savedData = json;
    return this.#data;
  }
}

/** The event that announces an outcome. */
function stageEvent(outcome: StageOutcome): RunEventInput {
  const { stageId, engine, attempts: attempt, durationMs } = outcome;
  switch (outcome.status) {
    case 'completed':
      return { type: 'stage.completed', stageId, engine, attempt, durationMs };
    case 'skipped':
      return { type: 'stage.skipped', stageId, reason: outcome.reasons?.[0] ?? '' };
    case 'waiting':
      return { type: 'stage.waiting', stageId, engine, approval: outcome.approval!, ...(outcome.approvals ? { approvals: outcome.approvals } : {}) };
    default:
      return { type: 'stage.failed', stageId, engine, attempt, durationMs, error: outcome.error! };
  }
}
