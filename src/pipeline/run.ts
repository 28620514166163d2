import pLimit from 'p-limit';
import { isWaitingForApproval, type ApprovalDecision, type HistoryEntry, type SerializedError } from '../adapter.js';
import { SwitchyardError, toSwitchyardError } from '../errors.js';
import type { RunEventBus } from '../events/bus.js';
import type { EngineEvent, PendingApprovalInfo, StageStatus } from '../events/types.js';
import type { RunStore, StageRecord } from '../store/types.js';
import { buildStageContext } from './context.js';
import { NEVER_ABORTED, abortError } from '../abort.js';
import { withRetry, withTimeout } from './policies.js';
import type { PendingApproval, PipelineResult, PipelineStatus, StageResult } from './result.js';
import type { ExpressionScope } from './schema.js';
import type { PreparedGroup, PreparedPipeline, PreparedStage, PreparedStep } from './validate.js';

type Outcome =
  | { readonly status: 'completed' | 'skipped'; readonly output?: unknown }
  | { readonly status: 'failed' | 'cancelled'; readonly error: SwitchyardError; readonly output?: unknown }
  | { readonly status: 'waiting'; readonly approval: PendingApproval };

export interface RunStateInit {
  readonly runId: string;
  readonly pipeline: PreparedPipeline;
  readonly input: unknown;
  readonly store: RunStore;
  readonly bus: RunEventBus;
  readonly home: string;
  readonly signal: AbortSignal;
  readonly startedAt: Date;
  /** Resume: what the store knows about the run so far. */
  readonly stages?: readonly StageRecord[];
  readonly history?: readonly HistoryEntry[];
  readonly data?: Record<string, unknown>;
  /** Resume after a decision: the approval each waiting stage gets in its context. */
  readonly approvals?: ReadonlyMap<string, ApprovalDecision>;
}

const EPOCH = new Date(0);

/** When the current attempt of a stage started, for its history entry. */
interface AttemptTiming {
  attempts: number;
  startedAt: Date;
  t0: number;
}

export function serializeError(error: SwitchyardError): SerializedError {
  return {
    code: error.code,
    message: error.message,
    ...(error.path === undefined ? {} : { path: error.path }),
    ...(error.details === undefined ? {} : { details: error.details }),
  };
}

/**
 * One run of a prepared pipeline: walks the steps, applies each stage's policies, keeps the
 * run state (outputs, history, data bus) and persists it through the store as it goes.
 */
export class RunState {
  readonly runId: string;
  readonly pipeline: PreparedPipeline;
  readonly runInput: unknown;
  readonly data: Record<string, unknown>;
  readonly history: HistoryEntry[];
  readonly home: string;
  readonly #store: RunStore;
  readonly #bus: RunEventBus;
  readonly #signal: AbortSignal;
  readonly #startedAt: Date;
  readonly #records = new Map<string, StageRecord>();
  readonly #outputs = new Map<string, unknown>();
  readonly #approvals: ReadonlyMap<string, ApprovalDecision>;
  readonly #visits = new Map<string, number>();
  /** Steps a failure path jumped back over: run again even if they completed. */
  readonly #rerun = new Set<string>();
  #last: { value: unknown } | undefined;
  /** The data bus as last written to the store: unchanged data is not written again. */
  #savedData: string;

  constructor(init: RunStateInit) {
    this.runId = init.runId;
    this.pipeline = init.pipeline;
    this.runInput = init.input;
    this.#store = init.store;
    this.#bus = init.bus;
    this.home = init.home;
    this.#signal = init.signal;
    this.#startedAt = init.startedAt;
    this.data = init.data ?? {};
    this.history = [...(init.history ?? [])];
    this.#approvals = init.approvals ?? new Map();
    for (const record of init.stages ?? []) {
      this.#records.set(record.stageId, record);
      if (record.status === 'completed') this.#outputs.set(record.stageId, record.output);
    }
    // Resume: the last completed top-level output in the history is the next stage's input, as in the first process.
    const top = new Set(this.pipeline.steps.map((step) => step.id));
    for (let i = this.history.length - 1; i >= 0; i--) {
      const entry = this.history[i]!;
      // steps not completed run again, so their old outputs must not become the input of what runs next
      if (top.has(entry.stageId) && entry.outcome === 'completed' && this.#records.get(entry.stageId)?.status === 'completed') {
        this.#last = { value: entry.output };
        break;
      }
    }
    this.#savedData = JSON.stringify(this.data);
  }

  /** `context.getLastOutput`, one function per run shared by every stage context. */
  readonly getLastOutput = (typeOrStageId?: string): unknown => this.lastOutput(typeOrStageId);

  lastOutput(typeOrStageId?: string): unknown {
    if (typeOrStageId === undefined) return this.#last?.value;
    if (this.#outputs.has(typeOrStageId)) return this.#outputs.get(typeOrStageId);
    for (let i = this.history.length - 1; i >= 0; i--) {
      const entry = this.history[i]!;
      if (entry.outcome === 'completed' && entry.engine === typeOrStageId) return entry.output;
    }
    return undefined;
  }

  emitEngine(stageId: string, engine: string, event: EngineEvent): void {
    this.#bus.emit({ type: 'stage.engine', stageId, engine, event });
  }

  async execute(): Promise<PipelineResult> {
    const steps = this.pipeline.steps;
    let status: PipelineStatus | undefined;
    let error: SwitchyardError | undefined;
    let pending: PendingApproval | undefined;
    let i = 0;
    while (i < steps.length) {
      const step = steps[i]!;
      if (this.#signal.aborted) {
        status = 'cancelled';
        error = abortError(this.#signal);
        break;
      }
      if (this.#isDone(step)) {
        i++;
        continue;
      }
      const visits = (this.#visits.get(step.id) ?? 0) + 1;
      this.#visits.set(step.id, visits);
      if (visits > this.pipeline.maxVisits) {
        status = 'failed';
        error = new SwitchyardError('STAGE_FAILED', `${step.id} would run a ${visits}th time; stopped at maxVisits (${this.pipeline.maxVisits}) to end an onFailure.goto loop`, {
          path: step.path,
        });
        break;
      }
      const outcome = step.kind === 'stage' ? await this.#runStage(step, this.#previous()) : await this.#runGroup(step);
      if (outcome.status === 'waiting') {
        status = 'waiting';
        pending = outcome.approval;
        break;
      }
      if (outcome.status === 'cancelled' || (outcome.status === 'failed' && this.#signal.aborted)) {
        status = 'cancelled';
        error = this.#signal.aborted ? abortError(this.#signal) : outcome.error;
        break;
      }
      if (outcome.status === 'failed') {
        const onFailure = step.onFailure;
        if (onFailure === 'stop') {
          status = 'failed';
          error = outcome.error;
          break;
        }
        if (onFailure === 'continue') {
          i++;
          continue;
        }
        const target = steps.findIndex((s) => s.id === onFailure.goto);
        for (const later of steps.slice(target)) {
          this.#rerun.add(later.id);
          if (later.kind === 'parallel') for (const branch of later.branches) this.#rerun.add(branch.id);
        }
        await this.#decision(step.id, 'hub', [`onFailure: ${step.id} failed (${outcome.error.code}); going to ${onFailure.goto}`]);
        i = target;
        continue;
      }
      i++;
    }
    if (status === undefined) {
      const failed = [...this.#records.values()].some((r) => r.status === 'failed');
      status = failed ? 'partial' : 'completed';
    }
    return this.#result(status, error, pending);
  }

  #isDone(step: PreparedStep): boolean {
    const record = this.#records.get(step.id);
    return record !== undefined && (record.status === 'completed' || record.status === 'skipped') && !this.#rerun.has(step.id);
  }

  #previous(): unknown {
    return this.#last ? this.#last.value : this.runInput;
  }

  #scope(previous: unknown): ExpressionScope {
    return { input: this.runInput, previous, outputs: Object.fromEntries(this.#outputs), data: this.data, goal: this.pipeline.goal };
  }

  async #decision(stageId: string, engine: string, reasons: readonly string[]): Promise<void> {
    const now = new Date().toISOString();
    const entry: HistoryEntry = { stageId, engine, attempt: 0, startedAt: now, endedAt: now, durationMs: 0, outcome: 'decision', reasons };
    this.history.push(entry);
    this.#bus.emit({ type: 'stage.decision', stageId, engine, reasons });
    await this.#store.appendHistory(this.runId, entry);
  }

  async #skip(id: string, engine: string, reason: string): Promise<Outcome> {
    const now = new Date().toISOString();
    const entry: HistoryEntry = { stageId: id, engine, attempt: 0, startedAt: now, endedAt: now, durationMs: 0, outcome: 'skipped', reasons: [reason] };
    this.history.push(entry);
    const record: StageRecord = { runId: this.runId, stageId: id, engine, status: 'skipped', attempts: 0, startedAt: now, endedAt: now, durationMs: 0 };
    this.#records.set(id, record);
    this.#bus.emit({ type: 'stage.skipped', stageId: id, reason });
    await Promise.all([this.#store.appendHistory(this.runId, entry), this.#store.saveStage(record)]);
    return { status: 'skipped' };
  }

  async #runStage(stage: PreparedStage, previous: unknown, branch = false): Promise<Outcome> {
    const { id, type: engine } = stage;
    if (stage.when || stage.input) {
      const scope = this.#scope(previous);
      try {
        if (stage.when && !(await stage.when(scope))) return await this.#skip(id, engine, '`when` was false');
        if (stage.input) previous = await stage.input(scope);
      } catch (thrown) {
        return this.#fail(stage, toSwitchyardError(thrown, 'STAGE_FAILED'), 1, new Date(), performance.now());
      }
    }
    const input = previous;
    if (stage.decision) await this.#decision(id, engine, stage.decision.reasons);
    const approval = this.#approvals.get(id);
    const timing: AttemptTiming = { attempts: 0, startedAt: EPOCH, t0: 0 };
    let result: unknown;
    try {
      result = stage.retry
        ? await withRetry((n) => this.#attempt(stage, input, approval, n, timing), stage.retry, this.#signal, {
            onRetry: async (error, n, delayMs) => {
              const endedAt = new Date();
              const entry: HistoryEntry = {
                stageId: id,
                engine,
                attempt: n,
                startedAt: timing.startedAt.toISOString(),
                endedAt: endedAt.toISOString(),
                durationMs: performance.now() - timing.t0,
                outcome: 'retry',
                error: serializeError(error),
              };
              this.history.push(entry);
              this.#bus.emit({ type: 'stage.retry', stageId: id, engine, attempt: n, delayMs, error: serializeError(error) });
              await this.#store.appendHistory(this.runId, entry);
            },
          })
        : await this.#attempt(stage, input, approval, 1, timing);
    } catch (thrown) {
      const error = this.#signal.aborted ? abortError(this.#signal) : toSwitchyardError(thrown);
      if (timing.attempts === 0) return this.#fail(stage, error, 0, new Date(), performance.now());
      return this.#fail(stage, error, timing.attempts, timing.startedAt, timing.t0);
    }
    const { attempts, startedAt, t0 } = timing;
    const durationMs = performance.now() - t0;
    const endedAt = new Date();
    if (isWaitingForApproval(result)) return this.#wait(stage, result.approval, result.partial, attempts, startedAt, endedAt, durationMs);
    const entry: HistoryEntry = {
      stageId: id,
      engine,
      attempt: attempts,
      startedAt: startedAt.toISOString(),
      endedAt: endedAt.toISOString(),
      durationMs,
      outcome: 'completed',
      output: result,
    };
    const record: StageRecord = {
      runId: this.runId,
      stageId: id,
      engine,
      status: 'completed',
      attempts,
      output: result,
      startedAt: entry.startedAt,
      endedAt: entry.endedAt,
      durationMs,
    };
    this.history.push(entry);
    this.#records.set(id, record);
    this.#outputs.set(id, result);
    if (!branch) this.#last = { value: result };
    this.#bus.emit({ type: 'stage.completed', stageId: id, engine, attempt: attempts, durationMs });
    await Promise.all([this.#store.saveStage(record), this.#store.appendHistory(this.runId, entry), this.#saveRunState()]);
    return { status: 'completed', output: result };
  }

  /** One attempt of a stage: its own context, the stage timeout and the run's signal around the adapter call. */
  async #attempt(stage: PreparedStage, input: unknown, approval: ApprovalDecision | undefined, n: number, timing: AttemptTiming): Promise<unknown> {
    const { id, type: engine, adapter } = stage;
    timing.attempts = n;
    timing.startedAt = new Date();
    timing.t0 = performance.now();
    this.#bus.emit({ type: 'stage.started', stageId: id, engine, attempt: n });
    try {
      // no timeout and no signal (the common case): nothing to race, call the adapter straight away
      if (stage.timeoutMs === undefined && this.#signal === NEVER_ABORTED) return await adapter.execute(stage.task, buildStageContext(this, id, engine, n, input, NEVER_ABORTED, approval));
      return await withTimeout((signal) => adapter.execute(stage.task, buildStageContext(this, id, engine, n, input, signal, approval)), this.#signal, stage.timeoutMs, id);
    } catch (thrown) {
      throw toSwitchyardError(thrown);
    }
  }

  async #fail(stage: PreparedStage, error: SwitchyardError, attempts: number, startedAt: Date, t0: number): Promise<Outcome> {
    const durationMs = performance.now() - t0;
    const endedAt = new Date().toISOString();
    const cancelled = error.code === 'CANCELLED' || (this.#signal.aborted && error.code === 'TIMEOUT');
    const status: StageStatus = cancelled ? 'cancelled' : 'failed';
    const serialized = serializeError(error);
    const entry: HistoryEntry = { stageId: stage.id, engine: stage.type, attempt: attempts, startedAt: startedAt.toISOString(), endedAt, durationMs, outcome: status, error: serialized };
    const record: StageRecord = { runId: this.runId, stageId: stage.id, engine: stage.type, status, attempts, error: serialized, startedAt: entry.startedAt, endedAt, durationMs };
    this.history.push(entry);
    this.#records.set(stage.id, record);
    this.#bus.emit({ type: 'stage.failed', stageId: stage.id, engine: stage.type, attempt: attempts, durationMs, error: serialized });
    await Promise.all([this.#store.saveStage(record), this.#store.appendHistory(this.runId, entry), this.#saveRunState()]);
    return { status: cancelled ? 'cancelled' : 'failed', error };
  }

  async #wait(stage: PreparedStage, approval: PendingApprovalInfo, partial: unknown, attempts: number, startedAt: Date, endedAt: Date, durationMs: number): Promise<Outcome> {
    const entry: HistoryEntry = {
      stageId: stage.id,
      engine: stage.type,
      attempt: attempts,
      startedAt: startedAt.toISOString(),
      endedAt: endedAt.toISOString(),
      durationMs,
      outcome: 'waiting',
      ...(partial === undefined ? {} : { output: partial }),
      reasons: [approval.message],
    };
    const record: StageRecord = {
      runId: this.runId,
      stageId: stage.id,
      engine: stage.type,
      status: 'waiting',
      attempts,
      ...(partial === undefined ? {} : { output: partial }),
      startedAt: entry.startedAt,
      endedAt: entry.endedAt,
      durationMs,
    };
    this.history.push(entry);
    this.#records.set(stage.id, record);
    this.#bus.emit({ type: 'stage.waiting', stageId: stage.id, engine: stage.type, approval });
    await Promise.all([
      this.#store.saveStage(record),
      this.#store.appendHistory(this.runId, entry),
      this.#store.saveApproval({ runId: this.runId, stageId: stage.id, approval, createdAt: entry.endedAt }),
      this.#saveRunState(),
    ]);
    return { status: 'waiting', approval: { stageId: stage.id, ...approval } };
  }

  async #runGroup(group: PreparedGroup): Promise<Outcome> {
    let input = this.#previous();
    if (group.when || group.input) {
      const scope = this.#scope(input);
      try {
        if (group.when && !(await group.when(scope))) return await this.#skip(group.id, 'parallel', '`when` was false');
        if (group.input) input = await group.input(scope);
      } catch (thrown) {
        const error = toSwitchyardError(thrown, 'STAGE_FAILED');
        return this.#finishGroup(group, new Date(), performance.now(), [{ status: 'failed', error }]);
      }
    }
    const startedAt = new Date();
    const t0 = performance.now();
    const limit = pLimit(group.concurrency);
    const outcomes = await Promise.all(
      group.branches.map((branch) =>
        limit(async (): Promise<Outcome> => {
          const record = this.#rerun.has(branch.id) ? undefined : this.#records.get(branch.id);
          if (record?.status === 'completed') return { status: 'completed', output: record.output };
          if (record?.status === 'skipped') return { status: 'skipped' };
          if (this.#signal.aborted) return { status: 'cancelled', error: abortError(this.#signal) };
          return this.#runStage(branch, input, true);
        }),
      ),
    );
    return this.#finishGroup(group, startedAt, t0, outcomes);
  }

  /** Fan-in: the group output keeps every completed branch's output, even when others failed. */
  async #finishGroup(group: PreparedGroup, startedAt: Date, t0: number, outcomes: readonly Outcome[]): Promise<Outcome> {
    const output: Record<string, unknown> = {};
    const failedIds: string[] = [];
    let waiting: PendingApproval | undefined;
    let cancelled: SwitchyardError | undefined;
    let firstError: SwitchyardError | undefined;
    outcomes.forEach((outcome, j) => {
      const branch = group.branches[j];
      const id = branch?.id ?? group.id;
      if (outcome.status === 'completed') output[id] = outcome.output;
      else if (outcome.status === 'waiting') waiting ??= outcome.approval;
      else if (outcome.status === 'cancelled') cancelled ??= outcome.error;
      else if (outcome.status === 'failed') {
        failedIds.push(id);
        firstError ??= outcome.error;
      }
    });
    const durationMs = performance.now() - t0;
    const endedAt = new Date().toISOString();
    const completedCount = Object.keys(output).length;
    let status: StageStatus = 'completed';
    let error: SwitchyardError | undefined;
    if (waiting) status = 'waiting';
    else if (cancelled) {
      status = 'cancelled';
      error = cancelled;
    } else if (failedIds.length > 0) {
      status = 'failed';
      error = new SwitchyardError('STAGE_FAILED', `${failedIds.length} of ${group.branches.length} branches failed (${failedIds.join(', ')}): ${firstError?.message ?? ''}`, {
        details: { failed: failedIds },
        ...(firstError ? { cause: firstError } : {}),
      });
    }
    const record: StageRecord = {
      runId: this.runId,
      stageId: group.id,
      engine: 'parallel',
      status,
      attempts: 1,
      output,
      ...(error ? { error: serializeError(error) } : {}),
      startedAt: startedAt.toISOString(),
      endedAt,
      durationMs,
    };
    this.#records.set(group.id, record);
    const hasOutput = completedCount > 0 || status === 'completed';
    if (hasOutput) {
      this.#outputs.set(group.id, output);
      if (status === 'completed' || status === 'failed') this.#last = { value: output };
    }
    const entry: HistoryEntry = {
      stageId: group.id,
      engine: 'parallel',
      attempt: 1,
      startedAt: record.startedAt!,
      endedAt,
      durationMs,
      outcome: status,
      ...(hasOutput ? { output } : {}),
      ...(record.error ? { error: record.error } : {}),
      reasons: [`fan-in of ${completedCount} of ${group.branches.length} branches`],
    };
    this.history.push(entry);
    await Promise.all([this.#store.saveStage(record), this.#store.appendHistory(this.runId, entry), this.#saveRunState()]);
    if (waiting) return { status: 'waiting', approval: waiting };
    if (cancelled) return { status: 'cancelled', error: cancelled };
    if (error) return { status: 'failed', error, output };
    return { status: 'completed', output };
  }

  /** Saves the data bus when a stage changed it, so a resume sees it. */
  #saveRunState(): Promise<void> | undefined {
    const json = JSON.stringify(this.data);
    if (json === this.#savedData) return undefined;
    this.#savedData = json;
    return this.#store.updateRun(this.runId, { data: this.data });
  }

  #result(status: PipelineStatus, error: SwitchyardError | undefined, pending: PendingApproval | undefined): PipelineResult {
    const endedAt = new Date();
    const stages: StageResult[] = [...this.#records.values()].map((r) => ({
      id: r.stageId,
      type: r.engine,
      status: r.status,
      attempts: r.attempts,
      ...(r.output === undefined ? {} : { output: r.output }),
      ...(r.error ? { error: r.error } : {}),
      ...(r.startedAt ? { startedAt: r.startedAt } : {}),
      ...(r.endedAt ? { endedAt: r.endedAt } : {}),
      ...(r.durationMs === undefined ? {} : { durationMs: r.durationMs }),
    }));
    return {
      runId: this.runId,
      pipeline: this.pipeline.name,
      status,
      stages,
      output: this.#last?.value,
      history: this.history,
      data: this.data,
      startedAt: this.#startedAt.toISOString(),
      endedAt: endedAt.toISOString(),
      durationMs: endedAt.getTime() - this.#startedAt.getTime(),
      ...(error ? { error: serializeError(error) } : {}),
      ...(pending ? { pendingApproval: pending } : {}),
    };
  }
}

