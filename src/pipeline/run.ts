import pLimit from 'p-limit';
import { isWaitingForApproval, type ApprovalDecision, type HistoryEntry, type SerializedError } from '../adapter.js';
import { SwitchyardError, toSwitchyardError } from '../errors.js';
import type { RunEventBus } from '../events/bus.js';
import type { RunCommit, RunStore, StageRecord } from '../store/types.js';
import { buildStageContext, type RunContextBase } from './context.js';
import { RunRecorder, type StageOutcome } from './recorder.js';
import { NEVER_ABORTED, abortError } from '../abort.js';
import { withRetry, withTimeout } from './policies.js';
import type { PendingApproval, PipelineResult, PipelineStatus, StageDecision, StageResult } from './result.js';
import type { ExpressionScope } from './schema.js';
import type { PreparedGroup, PreparedPipeline, PreparedStage, PreparedStep } from './validate.js';

type Outcome =
  | { readonly status: 'completed' | 'skipped'; readonly output?: unknown }
  | { readonly status: 'failed' | 'cancelled'; readonly error: SwitchyardError; readonly output?: unknown }
  | { readonly status: 'waiting'; readonly approval: PendingApproval; readonly approvals?: readonly PendingApproval[] };

export interface RunStateInit {
  readonly runId: string;
  readonly pipeline: PreparedPipeline;
  readonly input: unknown;
  readonly store: RunStore;
  readonly bus: RunEventBus;
  readonly home: string;
  readonly signal: AbortSignal;
  readonly startedAt: Date;
  /** The pipeline file the run came from (absolute), where schedules registered by its stages point. */
  readonly pipelineFile?: string;
  /** Resume: what the store knows about the run so far. */
  readonly stages?: readonly StageRecord[];
  readonly history?: readonly HistoryEntry[];
  readonly data?: Record<string, unknown>;
  /** Resume after a decision: the approval each waiting stage gets in its context. */
  readonly approvals?: ReadonlyMap<string, ApprovalDecision>;
}

/** A run that resumes no decision: one empty map for all of them. */
const NO_APPROVALS: ReadonlyMap<string, never> = new Map<string, never>();

/** When the current attempt of a stage started. */
interface AttemptClock {
  readonly attempt: number;
  readonly startedAt: Date;
  readonly t0: number;
}

/**
 * Fallbacks: the steps some earlier step's `onFailure: { goto }` jumps forward to. They run only when jumped to (a
 * run that reaches one in order skips it); a goto back to an earlier step is a loop and does not make it one.
 */
function fallbacksOf(steps: readonly PreparedStep[]): Map<string, string[]> {
  const fallbacks = new Map<string, string[]>();
  steps.forEach((step, i) => {
    if (typeof step.onFailure !== 'object') return;
    const target = steps.findIndex((s) => s.id === (step.onFailure as { goto: string }).goto);
    if (target > i) fallbacks.set(steps[target]!.id, [...(fallbacks.get(steps[target]!.id) ?? []), step.path]);
  });
  return fallbacks;
}

/** `{ decision }` of a stage's last announced decision, or nothing. */
function decisionOf(decided: readonly StageDecision[], stageId: string): { decision?: ApprovalDecision } {
  const last = decided.findLast((d) => d.stageId === stageId);
  if (!last) return {};
  const { stageId: _id, ...decision } = last;
  return { decision };
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
 * One run of a prepared pipeline: walks the steps and applies each stage's policies (when, input, retries,
 * timeouts, failure paths, parallel groups). Every outcome goes to the run's recorder, which keeps the history,
 * stage records and outputs and writes them to the store.
 */
export class RunState {
  readonly runId: string;
  readonly pipeline: PreparedPipeline;
  readonly runInput: unknown;
  readonly data: Record<string, unknown>;
  readonly #bus: RunEventBus;
  readonly #signal: AbortSignal;
  readonly #startedAt: Date;
  /** History, stage records and outputs, and their writes to the store. */
  readonly #recorder: RunRecorder;
  /** What every stage context of the run shares. */
  readonly #contextBase: RunContextBase;
  readonly #approvals: ReadonlyMap<string, ApprovalDecision>;
  readonly #visits = new Map<string, number>();
  /** The approval decisions this run resumed with, as announced. */
  readonly #decided: StageDecision[] = [];
  /** Steps a failure path jumped back over: run again even if they completed. */
  #rerun: Set<string> | undefined;
  /** Fallbacks (`fallbacksOf`) by id, with the paths of the steps whose `goto` names each. */
  readonly #fallbacks: ReadonlyMap<string, readonly string[]>;

  constructor(init: RunStateInit) {
    this.runId = init.runId;
    this.pipeline = init.pipeline;
    this.runInput = init.input;
    this.#bus = init.bus;
    this.#signal = init.signal;
    this.#startedAt = init.startedAt;
    this.data = init.data ?? {};
    this.#approvals = init.approvals ?? NO_APPROVALS;
    this.#fallbacks = fallbacksOf(init.pipeline.steps);
    const recorder = new RunRecorder({
      runId: init.runId,
      store: init.store,
      bus: init.bus,
      data: this.data,
      ...(init.history ? { history: init.history } : {}),
      ...(init.stages ? { stages: init.stages } : {}),
    });
    this.#recorder = recorder;
    // Resume: the last completed top-level output in the history is the next stage's input, as in the first process.
    const top = new Set(this.pipeline.steps.map((step) => step.id));
    const history = recorder.history;
    for (let i = history.length - 1; i >= 0; i--) {
      const entry = history[i]!;
      // steps not completed run again, so their old outputs must not become the input of what runs next
      if (top.has(entry.stageId) && entry.outcome === 'completed' && recorder.records.get(entry.stageId)?.status === 'completed') {
        recorder.last = { value: entry.output };
        break;
      }
    }
    this.#contextBase = {
      runId: init.runId,
      pipelineName: init.pipeline.name,
      goal: init.pipeline.goal,
      runInput: init.input,
      data: this.data,
      history,
      getLastOutput: recorder.getLastOutput,
      home: init.home,
      baseDir: init.pipeline.baseDir,
      documentRoots: init.pipeline.documentRoots,
      resources: init.pipeline.resources,
      events: init.bus,
      schedules: init.store,
      stepResults: init.store,
      pipelineFile: init.pipelineFile,
    };
  }

  async execute(): Promise<PipelineResult> {
    const steps = this.pipeline.steps;
    let status: PipelineStatus | undefined;
    let error: SwitchyardError | undefined;
    let pending: PendingApproval | undefined;
    let pendingAll: readonly PendingApproval[] | undefined;
    /** The fallback a failure path is going to: it runs; a fallback reached in order is skipped. */
    let jumpedTo: string | undefined;
    let i = 0;
    while (i < steps.length) {
      const step = steps[i]!;
      // the last step's outcome is written before anything else runs
      if (this.#recorder.holding) await this.#recorder.durable();
      if (this.#signal.aborted) {
        status = 'cancelled';
        error = abortError(this.#signal);
        break;
      }
      if (this.#isDone(step)) {
        i++;
        continue;
      }
      const fallbackOf = this.#fallbacks.get(step.id);
      if (fallbackOf && jumpedTo !== step.id) {
        await this.#skip(step.id, step.kind === 'stage' ? step.type : 'parallel', `fallback of ${fallbackOf.join(', ')} (onFailure goto ${step.id}): runs only when jumped to`, false);
        i++;
        continue;
      }
      jumpedTo = undefined;
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
        pendingAll = outcome.approvals;
        break;
      }
      if (outcome.status === 'cancelled' || (outcome.status === 'failed' && this.#signal.aborted)) {
        status = 'cancelled';
        error = this.#signal.aborted ? abortError(this.#signal) : outcome.error;
        break;
      }
      // a stage that resumed with a rejection ends the run: failed, code REJECTED, naming who and why
      const rejection = outcome.status === 'completed' ? this.#rejection(step) : undefined;
      if (rejection) {
        status = 'failed';
        error = rejection;
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
          const rerun = (this.#rerun ??= new Set());
          rerun.add(later.id);
          if (later.kind === 'parallel') for (const branch of later.branches) rerun.add(branch.id);
        }
        await this.#decision(step.id, 'hub', [`onFailure: ${step.id} failed (${outcome.error.code}); going to ${onFailure.goto}`]);
        // a jump forward: the steps in between are skipped, and say why
        for (const over of steps.slice(i + 1, target)) {
          if (!this.#isDone(over)) await this.#skip(over.id, over.kind === 'stage' ? over.type : 'parallel', `jumped over by ${step.path} onFailure goto ${onFailure.goto}`, false);
        }
        jumpedTo = onFailure.goto;
        i = target;
        continue;
      }
      i++;
    }
    if (status === undefined) {
      // a failure a goto handled (its fallback completed after it) does not make the run partial; `continue` does
      const records = this.#recorder.records;
      const handled = (r: StageRecord) => {
        const onFailure = steps.find((s) => s.id === r.stageId)?.onFailure;
        const fallback = typeof onFailure === 'object' ? records.get(onFailure.goto) : undefined;
        return fallback?.status === 'completed' && (fallback.endedAt ?? '') >= (r.endedAt ?? '');
      };
      const failed = [...records.values()].some((r) => r.status === 'failed' && !handled(r));
      status = failed ? 'partial' : 'completed';
    }
    return this.#result(status, error, pending, pendingAll);
  }

  #isDone(step: PreparedStep): boolean {
    const record = this.#recorder.records.get(step.id);
    return record !== undefined && (record.status === 'completed' || record.status === 'skipped') && !this.#rerun?.has(step.id);
  }

  #previous(): unknown {
    const last = this.#recorder.last;
    return last ? last.value : this.runInput;
  }

  #scope(previous: unknown): ExpressionScope {
    return { input: this.runInput, previous, outputs: Object.fromEntries(this.#recorder.outputs), data: this.data, goal: this.pipeline.goal };
  }

  #decision(stageId: string, engine: string, reasons: readonly string[]): Promise<void> {
    const now = new Date().toISOString();
    const entry: HistoryEntry = { stageId, engine, attempt: 0, startedAt: now, endedAt: now, durationMs: 0, outcome: 'decision', reasons };
    return this.#recorder.note(entry, { type: 'stage.decision', stageId, engine, reasons });
  }

  /** A decided approval the stage resumes with: in the result (`decisions`, the stage's `decision`) and as `stage.decided`. */
  #announceDecision(stageId: string, engine: string, approval: ApprovalDecision): void {
    const { approved, by, reason, data } = approval;
    const decision: StageDecision = { stageId, approved, ...(by === undefined ? {} : { by }), ...(reason === undefined ? {} : { reason }), ...(data === undefined ? {} : { data }) };
    this.#decided.push(decision);
    const { stageId: _id, ...fields } = decision;
    this.#bus.emit({ type: 'stage.decided', stageId, engine, ...fields });
  }

  /** The REJECTED error when the step (or one of its branches) resumed with a rejection. */
  #rejection(step: PreparedStep): SwitchyardError | undefined {
    const ids = step.kind === 'parallel' ? [step.id, ...step.branches.map((b) => b.id)] : [step.id];
    const id = ids.find((stageId) => this.#approvals.get(stageId)?.approved === false);
    if (id === undefined) return undefined;
    const { by, reason, data } = this.#approvals.get(id)!;
    return new SwitchyardError('REJECTED', `${id}: the approval was rejected${by ? ` by ${by}` : ''}${reason ? `: ${reason}` : ''}`, {
      details: { stageId: id, ...(by === undefined ? {} : { by }), ...(reason === undefined ? {} : { reason }), ...(data === undefined ? {} : { data }) },
    });
  }

  /** What the run's last commit must still write: the last step's outcome, held until the run ends. */
  takeHeld(): RunCommit | undefined {
    return this.#recorder.takeHeld();
  }

  async #skip(id: string, engine: string, reason: string, branch: boolean): Promise<Outcome> {
    const now = new Date().toISOString();
    await this.#recorder.record({ stageId: id, engine, status: 'skipped', attempts: 0, startedAt: now, endedAt: now, durationMs: 0, reasons: [reason] }, { hold: !branch });
    return { status: 'skipped' };
  }

  async #runStage(stage: PreparedStage, previous: unknown, branch = false): Promise<Outcome> {
    const { id, type: engine } = stage;
    if (stage.when || stage.input) {
      const scope = this.#scope(previous);
      try {
        // the run's signal and the stage timeout stop an expression too
        const bounds = { signal: this.#signal, timeoutMs: stage.timeoutMs };
        if (stage.when && !(await stage.when(scope, bounds))) return await this.#skip(id, engine, '`when` was false', branch);
        if (stage.input) previous = await stage.input(scope, bounds);
      } catch (thrown) {
        return this.#fail(stage, toSwitchyardError(thrown, 'STAGE_FAILED'), { attempt: 1, startedAt: new Date(), t0: performance.now() }, branch);
      }
    }
    const input = previous;
    if (stage.decision) await this.#decision(id, engine, stage.decision.reasons);
    const approval = this.#approvals.get(id);
    if (approval) this.#announceDecision(id, engine, approval);
    // The clock of the attempt under way: each attempt starts it, the outcome reads it.
    let clock: AttemptClock | undefined;
    let result: unknown;
    try {
      if (!stage.retry) {
        clock = { attempt: 1, startedAt: new Date(), t0: performance.now() };
        result = await this.#attempt(stage, input, approval, 1);
      } else {
        const attempt = (n: number): Promise<unknown> => {
          clock = { attempt: n, startedAt: new Date(), t0: performance.now() };
          return this.#attempt(stage, input, approval, n);
        };
        result = await withRetry(attempt, stage.retry, this.#signal, {
          onRetry: (error, n, delayMs) => {
            const entry: HistoryEntry = {
              stageId: id,
              engine,
              attempt: n,
              startedAt: clock!.startedAt.toISOString(),
              endedAt: new Date().toISOString(),
              durationMs: performance.now() - clock!.t0,
              outcome: 'retry',
              error: serializeError(error),
            };
            return this.#recorder.note(entry, { type: 'stage.retry', stageId: id, engine, attempt: n, delayMs, error: serializeError(error) });
          },
        });
      }
    } catch (thrown) {
      const error = this.#signal.aborted ? abortError(this.#signal) : toSwitchyardError(thrown);
      return this.#fail(stage, error, clock ?? { attempt: 0, startedAt: new Date(), t0: performance.now() }, branch);
    }
    const { attempt: attempts, startedAt, t0 } = clock!;
    const durationMs = performance.now() - t0;
    const started = startedAt.toISOString();
    const endedAt = new Date().toISOString();
    if (isWaitingForApproval(result)) {
      const { approval: point, partial } = result;
      await this.#recorder.record(
        {
          stageId: id,
          engine,
          status: 'waiting',
          attempts,
          startedAt: started,
          endedAt,
          durationMs,
          ...(partial === undefined ? {} : { output: partial }),
          reasons: result.approvals?.map((a) => a.message) ?? [point.message],
          approval: point,
          ...(result.approvals ? { approvals: result.approvals } : {}),
        },
        { hold: !branch },
      );
      return { status: 'waiting', approval: { stageId: id, ...point }, ...(result.approvals ? { approvals: result.approvals.map((a) => ({ stageId: id, ...a })) } : {}) };
    }
    await this.#recorder.record({ stageId: id, engine, status: 'completed', attempts, startedAt: started, endedAt, durationMs, output: result, keepOutput: true, passOn: !branch }, { hold: !branch });
    return { status: 'completed', output: result };
  }

  /** One attempt of a stage: its own context, the stage timeout and the run's signal around the adapter call. */
  async #attempt(stage: PreparedStage, input: unknown, approval: ApprovalDecision | undefined, n: number): Promise<unknown> {
    const { id, type: engine, adapter } = stage;
    this.#bus.emit({ type: 'stage.started', stageId: id, engine, attempt: n });
    try {
      // no timeout and no signal (the common case): nothing to race, call the adapter straight away
      if (stage.timeoutMs === undefined && this.#signal === NEVER_ABORTED) return await adapter.execute(stage.task, buildStageContext(this.#contextBase, id, engine, n, input, NEVER_ABORTED, approval));
      return await withTimeout((signal) => adapter.execute(stage.task, buildStageContext(this.#contextBase, id, engine, n, input, signal, approval)), this.#signal, stage.timeoutMs, id);
    } catch (thrown) {
      throw toSwitchyardError(thrown);
    }
  }

  async #fail(stage: PreparedStage, error: SwitchyardError, clock: AttemptClock, branch: boolean): Promise<Outcome> {
    const durationMs = performance.now() - clock.t0;
    const cancelled = error.code === 'CANCELLED' || (this.#signal.aborted && error.code === 'TIMEOUT');
    await this.#recorder.record(
      {
        stageId: stage.id,
        engine: stage.type,
        status: cancelled ? 'cancelled' : 'failed',
        attempts: clock.attempt,
        startedAt: clock.startedAt.toISOString(),
        endedAt: new Date().toISOString(),
        durationMs,
        error: serializeError(error),
      },
      { hold: !branch },
    );
    return { status: cancelled ? 'cancelled' : 'failed', error };
  }

  async #runGroup(group: PreparedGroup): Promise<Outcome> {
    let input = this.#previous();
    if (group.when || group.input) {
      const scope = this.#scope(input);
      try {
        if (group.when && !(await group.when(scope, { signal: this.#signal }))) return await this.#skip(group.id, 'parallel', '`when` was false', false);
        if (group.input) input = await group.input(scope, { signal: this.#signal });
      } catch (thrown) {
        const error = toSwitchyardError(thrown, 'STAGE_FAILED');
        return this.#finishGroup(group, new Date(), performance.now(), [{ status: 'failed', error }]);
      }
    }
    const startedAt = new Date();
    const t0 = performance.now();
    const limit = pLimit(group.concurrency);
    const records = this.#recorder.records;
    const outcomes = await Promise.all(
      group.branches.map((branch) =>
        limit(async (): Promise<Outcome> => {
          const record = this.#rerun?.has(branch.id) ? undefined : records.get(branch.id);
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
    let status: StageOutcome['status'] = 'completed';
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
    const hasOutput = completedCount > 0 || status === 'completed';
    await this.#recorder.record(
      {
        stageId: group.id,
        engine: 'parallel',
        status,
        attempts: 1,
        startedAt: startedAt.toISOString(),
        endedAt,
        durationMs,
        output,
        ...(error ? { error: serializeError(error) } : {}),
        reasons: [`fan-in of ${completedCount} of ${group.branches.length} branches`],
        fanIn: true,
        keepOutput: hasOutput,
        passOn: hasOutput && (status === 'completed' || status === 'failed'),
      },
      { hold: true },
    );
    if (waiting) return { status: 'waiting', approval: waiting };
    if (cancelled) return { status: 'cancelled', error: cancelled };
    if (error) return { status: 'failed', error, output };
    return { status: 'completed', output };
  }

  #result(status: PipelineStatus, error: SwitchyardError | undefined, pending: PendingApproval | undefined, pendingAll?: readonly PendingApproval[]): PipelineResult {
    const endedAt = new Date();
    const stages: StageResult[] = [...this.#recorder.records.values()].map((r) => ({
      id: r.stageId,
      type: r.engine,
      status: r.status,
      attempts: r.attempts,
      ...(r.output === undefined ? {} : { output: r.output }),
      ...(r.error ? { error: r.error } : {}),
      ...(r.startedAt ? { startedAt: r.startedAt } : {}),
      ...(r.endedAt ? { endedAt: r.endedAt } : {}),
      ...(r.durationMs === undefined ? {} : { durationMs: r.durationMs }),
      ...decisionOf(this.#decided, r.stageId),
    }));
    return {
      runId: this.runId,
      pipeline: this.pipeline.name,
      status,
      stages,
      output: this.#recorder.last?.value,
      history: this.#recorder.history,
      data: this.data,
      startedAt: this.#startedAt.toISOString(),
      endedAt: endedAt.toISOString(),
      durationMs: endedAt.getTime() - this.#startedAt.getTime(),
      ...(error ? { error: serializeError(error) } : {}),
      ...(pending ? { pendingApproval: pending } : {}),
      ...(pendingAll ? { pendingApprovals: pendingAll } : {}),
      ...(this.#decided.length > 0 ? { decisions: [...this.#decided] } : {}),
    };
  }
}
