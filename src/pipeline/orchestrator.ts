import { randomBytes } from 'node:crypto';
import { dirname } from 'node:path';
import type { ApprovalDecision, ResourceRegistry } from '../adapter.js';
import { SwitchyardError, toSwitchyardError } from '../errors.js';
import { RunEventBus } from '../events/bus.js';
import type { EventSink, RunEvent } from '../events/types.js';
import { AdapterRegistry, type AdapterSource } from '../registry.js';
import { resolveHome } from '../store/home.js';
import { commitRun } from '../store/commit.js';
import type { RunLease, RunRecord, RunStore } from '../store/types.js';
import type { Recommendation } from '../selector/recommender.js';
import { resolveExpressionLimits, type ExpressionLimits } from './expression-limits.js';
import { readPipelineFile } from './load.js';
import { decideApproval, stageApproval, waitingResult } from './approvals.js';
import { NEVER_ABORTED } from '../abort.js';
import type { PipelineResult, RunOptions } from './result.js';
import { RunState, serializeError } from './run.js';
import { isProcessAlive } from './run-status.js';
import { LeaseKeeper, resolveLeaseSettings, takeRunLease, type LeaseSettings } from './lease.js';
import { leaseOwner } from '../store/leases.js';
import { resolveOperatorRoots, type OperatorRoots } from './roots.js';
import type { Pipeline, StageSpec } from './schema.js';
import { isPreparedPipeline, preparePipeline, type PreparedPipeline } from './validate.js';

export interface HybridOrchestratorOptions {
  /** Where switchyard keeps its files (default `SWITCHYARD_HOME`, else `./.switchyard`). */
  readonly home?: string;
  /** The run store (default: SQLite under `home`, opened on first run). */
  readonly store?: RunStore;
  /** Users' own adapters, or replacements for built-ins, by type. */
  readonly adapters?: Readonly<Record<string, AdapterSource>>;
  /** Include the four built-in engines (default true). */
  readonly builtins?: boolean;
  /** Agents, tools, handlers, graphs registered in code; pipeline modules add to a copy per run. */
  readonly resources?: ResourceRegistry;
  /** Event sinks every run writes to (progress display, JSONL, OpenTelemetry). */
  readonly sinks?: readonly EventSink[];
  /**
   * Budgets of every JSONata expression in the pipelines this hub runs (time, depth, sequence length, value
   * size); each one missing comes from its environment variable (`SWITCHYARD_EXPRESSION_TIMEOUT_MS`, ...), then
   * the default. A pipeline file cannot change them.
   */
  readonly expressionLimits?: Partial<ExpressionLimits>;
  /**
   * Folders whose `modules:` are trusted besides each pipeline's own folder (default `SWITCHYARD_MODULE_ROOTS`).
   * A module is code: a pipeline file can never add a root.
   */
  readonly moduleRoots?: readonly string[];
  /**
   * Folders stages may read documents from (default `SWITCHYARD_DOCUMENT_ROOTS`, else each pipeline's own folder).
   * A pipeline may narrow them (a task's `roots`), never widen them.
   */
  readonly documentRoots?: readonly string[];
  /**
   * The lease a running run is owned through (so exactly one process runs it): how long it lasts without a renewal
   * and how often it is renewed (default `SWITCHYARD_LEASE_TTL_MS`, else 30 s; `SWITCHYARD_LEASE_RENEW_MS`, else
   * ttl/3). A `running` run whose lease expired is interrupted; resume, approve and reject take it first.
   */
  readonly lease?: { readonly ttlMs?: number; readonly renewMs?: number };
}

/**
 * A pipeline: a file path, an object (with functions for `input` and `when` where wanted), or what
 * `validate()` returned (run many times without validating again).
 */
export type PipelineInput = string | Pipeline | PreparedPipeline | Record<string, unknown>;

export interface ResumeOptions {
  readonly signal?: AbortSignal;
  readonly deadlineMs?: number;
  readonly sinks?: readonly EventSink[];
  /** The pipeline object, for code pipelines with functions (a stored document cannot hold functions). */
  readonly pipeline?: PipelineInput;
}

export interface ApproveOptions extends ResumeOptions {
  /** The waiting stage (needed only when several wait). */
  readonly stageId?: string;
  /** When the stage waits on several approvals at once: the one to decide, by id (`pendingApprovals[i].approvalId`)... */
  readonly approvalId?: string;
  /** ...or by point (the approval node); not needed when only one is still open. */
  readonly point?: string;
  /** Data handed to the stage with the decision (e.g. `{ approved: true, note: "ok" }`). */
  readonly data?: Record<string, unknown>;
  readonly by?: string;
}

export interface RejectOptions extends ResumeOptions {
  readonly stageId?: string;
  /** As in ApproveOptions: one of several approvals the stage waits on at once. */
  readonly approvalId?: string;
  readonly point?: string;
  readonly reason?: string;
  readonly by?: string;
}

const RESUMABLE = ['running', 'interrupted', 'failed', 'cancelled', 'waiting'] as const;

/**
 * The hub: runs each stage of a pipeline on the engine its `type` names (or the selector picks),
 * with retries, timeouts, cancellation, failure paths and parallel groups; every result goes back
 * through the hub, which records it, so runs are auditable and resumable.
 */
export class HybridOrchestrator {
  readonly registry: AdapterRegistry;
  readonly home: string;
  readonly #resources: ResourceRegistry | undefined;
  readonly #sinks: readonly EventSink[];
  readonly #expressionLimits: ExpressionLimits;
  readonly #roots: OperatorRoots;
  readonly #lease: LeaseSettings;
  #store: RunStore | undefined;
  #opening: Promise<RunStore> | undefined;
  readonly #ownsStore: boolean;

  constructor(options: HybridOrchestratorOptions = {}) {
    this.registry = new AdapterRegistry({ ...(options.adapters ? { adapters: options.adapters } : {}), ...(options.builtins === undefined ? {} : { builtins: options.builtins }) });
    this.home = resolveHome(options.home);
    this.#resources = options.resources;
    this.#sinks = options.sinks ?? [];
    this.#expressionLimits = resolveExpressionLimits(options.expressionLimits);
    this.#roots = resolveOperatorRoots(options);
    this.#lease = resolveLeaseSettings(options.lease);
    this.#store = options.store;
    this.#ownsStore = options.store === undefined;
  }

  /** The run store, opening the default SQLite store on first use. */
  async store(): Promise<RunStore> {
    if (this.#store) return this.#store;
    this.#opening ??= import('../store/index.js').then(({ openRunStore }) => openRunStore(this.home));
    this.#store = await this.#opening;
    return this.#store;
  }

  /** Validates a pipeline (object or file) completely, loading its modules; throws one INVALID_PIPELINE error. */
  async validate(pipeline: PipelineInput): Promise<PreparedPipeline> {
    if (isPreparedPipeline(pipeline)) return pipeline;
    if (typeof pipeline === 'string') {
      const loaded = await readPipelineFile(pipeline);
      return preparePipeline(loaded.document, { registry: this.registry, file: loaded.file, baseDir: loaded.baseDir, ...this.#resourceOption() });
    }
    return preparePipeline(pipeline, { registry: this.registry, ...this.#resourceOption() });
  }

  /** Runs a pipeline to its end (or until it waits for approval). Invalid pipelines throw before anything is written. */
  async run(pipeline: PipelineInput, options: RunOptions = {}): Promise<PipelineResult> {
    const prepared = await this.validate(pipeline);
    const store = await this.store();
    const runId = options.runId ?? newRunId();
    const startedAt = new Date();
    const record: RunRecord = {
      runId,
      pipelineName: prepared.name,
      pipeline: storableDocument(prepared),
      ...(prepared.file ? { pipelineFile: prepared.file } : {}),
      input: options.input,
      status: 'running',
      createdAt: startedAt.toISOString(),
      updatedAt: startedAt.toISOString(),
      data: {},
      pid: process.pid,
      owner: leaseOwner(),
    };
    await store.createRun(record);
    // the run is owned through its lease from its first moment: taken right after the record exists
    const acquired = await store.acquireLease(runId, { owner: record.owner!, ttlMs: this.#lease.ttlMs, expect: ['running'] });
    if (!acquired.acquired) throw new SwitchyardError('CONFLICT', `run ${runId} was taken over before it started (${acquired.reason})`, { details: { runId } });
    if (options.onRecorded) {
      try {
        await options.onRecorded({ runId });
      } catch (thrown) {
        const error = toSwitchyardError(thrown, 'INTERNAL');
        await store.updateRun(runId, { status: 'failed', error: serializeError(error) }).catch(() => {});
        await store.releaseLease(acquired.lease).catch(() => false);
        throw error;
      }
    }
    return this.#execute(prepared, store, { runId, input: options.input, startedAt, resumed: false, seq: 0, lease: acquired.lease, ...(prepared.file ? { pipelineFile: prepared.file } : {}) }, options);
  }

  /** The same run as `run`, as typed events; the last is `run.finished`. */
  stream(pipeline: PipelineInput, options: RunOptions = {}): AsyncIterable<RunEvent> {
    return streamOf((sink) => this.run(pipeline, { ...options, sinks: [...(options.sinks ?? []), sink] }));
  }

  /**
   * Seed 002's `execute({ stages })`: the alias of `run` for code ported from the seed (the other seed aliases are
   * in src/compat.ts). The pipeline is named `hybrid` unless the task names it, as `run` names an object pipeline.
   */
  execute(task: { readonly stages: readonly (StageSpec | Record<string, unknown>)[]; readonly name?: string; readonly goal?: string } & Record<string, unknown>, options: RunOptions = {}): Promise<PipelineResult> {
    return this.run(task, options);
  }

  /** Seed 002's `recommend_orchestrator`: `{ type, profile, confidence, reasons, alternatives, plan? }` for a description. */
  async recommendOrchestrator(description: string): Promise<Recommendation> {
    const { recommendOrchestrator } = await import('../selector/index.js');
    return recommendOrchestrator(description);
  }

  /**
   * Continues an interrupted, failed, cancelled or decided run: completed stages are not run again,
   * the first unfinished stage runs next with the saved outputs, history and data bus.
   */
  async resume(runId: string, options: ResumeOptions = {}): Promise<PipelineResult> {
    return this.#resume(runId, options, new Map());
  }

  /** Approves the run's pending approval and resumes it; the stage runs again with `context.approval`. */
  async approve(runId: string, options: ApproveOptions = {}): Promise<PipelineResult> {
    const decision: ApprovalDecision = { approved: true, ...(options.data ? { data: options.data } : {}), ...(options.by ? { by: options.by } : {}) };
    return this.#decide(runId, options.stageId, decision, options);
  }

  /** Rejects the run's pending approval and resumes it; the stage sees `context.approval.approved === false`. */
  async reject(runId: string, options: RejectOptions = {}): Promise<PipelineResult> {
    const decision: ApprovalDecision = { approved: false, ...(options.reason ? { reason: options.reason } : {}), ...(options.by ? { by: options.by } : {}) };
    return this.#decide(runId, options.stageId, decision, options);
  }

  /** Closes loaded adapters and the store this orchestrator opened. */
  async close(): Promise<void> {
    await this.registry.close();
    if (this.#ownsStore && this.#store) await this.#store.close();
    this.#store = undefined;
    this.#opening = undefined;
  }

  /** The store for a run that must exist already: a lookup in a fresh home finds nothing and creates no file. */
  async #storeFor(runId: string): Promise<RunStore> {
    if (this.#store) return this.#store;
    const { openExistingRunStore } = await import('../store/index.js');
    const existing = await openExistingRunStore(this.home);
    if (!existing) throw new SwitchyardError('NOT_FOUND', `no run ${JSON.stringify(runId)} in ${this.home}`, { details: { runId } });
    if (this.#store) await existing.close();
    else this.#store = existing;
    return this.#store;
  }

  async #decide(runId: string, stageId: string | undefined, decision: ApprovalDecision, options: ApproveOptions | RejectOptions): Promise<PipelineResult> {
    const store = await this.#storeFor(runId);
    // the lease first: of several processes deciding at once, one records its decision and resumes, the others
    // get a CONFLICT naming the holder (or, once the run moved on, its status)
    const lease = await this.#takeLease(store, runId, ['waiting'], (status) => `run ${runId} is ${status}, not waiting for approval`);
    let target: Awaited<ReturnType<RunStore['listApprovals']>>[number] | undefined;
    let decided: typeof target;
    try {
      const run = await this.#getRun(store, runId);
      if (run.status !== 'waiting') throw new SwitchyardError('CONFLICT', `run ${runId} is ${run.status}, not waiting for approval`, { details: { runId, status: run.status } });
      const pending = (await store.listApprovals(runId)).filter((a) => a.decision === undefined);
      target = stageId === undefined ? pending[0] : pending.find((a) => a.stageId === stageId);
      if (!target) {
        throw new SwitchyardError('INVALID_INPUT', `--stage: expected one of ${pending.map((a) => a.stageId).join(', ') || '(no pending approvals)'}; got ${JSON.stringify(stageId)}`, {
          path: 'stageId',
        });
      }
      if (stageId === undefined && pending.length > 1) {
        throw new SwitchyardError('INVALID_INPUT', `stageId: expected one of ${pending.map((a) => a.stageId).join(', ')}; several stages wait, name one`, { path: 'stageId' });
      }
      // a stage waiting on several approvals at once resumes when the last is decided
      decided = decideApproval(target, decision, options);
      await store.saveApproval(decided);
      if (decided.decision === undefined) {
        await store.releaseLease(lease).catch(() => false);
        return await waitingResult(store, run, decided);
      }
    } catch (error) {
      await store.releaseLease(lease).catch(() => false);
      throw error;
    }
    return this.#resume(runId, options, new Map([[target.stageId, stageApproval(decided)]]), lease);
  }

  /**
   * Takes the run's lease for this call (before anything else is done), or throws CONFLICT: naming the holder when
   * another process holds it, worded by `wrongStatus` when the run's status is not one of `expect`.
   */
  async #takeLease(store: RunStore, runId: string, expect: readonly RunRecord['status'][], wrongStatus: (status: RunRecord['status']) => string): Promise<RunLease> {
    let taken: Awaited<ReturnType<typeof takeRunLease>>;
    try {
      taken = await takeRunLease(store, runId, expect, this.#lease);
    } catch (error) {
      if ((error as { code?: unknown }).code === 'NOT_FOUND') throw new SwitchyardError('NOT_FOUND', `no run ${JSON.stringify(runId)} in ${this.home}`, { details: { runId } });
      throw error;
    }
    if ('lease' in taken) return taken.lease;
    throw new SwitchyardError('CONFLICT', wrongStatus(taken.status), { details: { runId, status: taken.status } });
  }

  async #resume(runId: string, options: ResumeOptions, approvals: Map<string, ApprovalDecision>, held?: RunLease): Promise<PipelineResult> {
    const store = await this.#storeFor(runId);
    // the lease before anything else (module loading included): of two processes resuming at once, one continues
    const lease = held ?? (await this.#takeLease(store, runId, RESUMABLE, (status) => `run ${runId} is ${status}; only unfinished runs can be resumed`));
    let prepared: PreparedPipeline;
    let run: RunRecord;
    let loaded: [RunStateInitStages, RunStateInitHistory, RunEvent[]];
    try {
      run = await this.#getRun(store, runId);
      // a record written before leases: its pid tells whether it still runs (on this host)
      if (run.status === 'running' && run.owner === undefined && run.pid !== undefined && run.pid !== process.pid && isProcessAlive(run.pid)) {
        throw new SwitchyardError('CONFLICT', `run ${runId} is still running in process ${run.pid}`, { details: { runId, pid: run.pid } });
      }
      // a rejection ends its run for good: resuming it would run the stages after the rejected one
      if (run.error?.code === 'REJECTED') throw rejectedRunError(runId, run.error.message);
      if (run.status === 'waiting' && approvals.size === 0) {
        const decided = (await store.listApprovals(runId)).filter((a) => a.decision !== undefined);
        const stages = await store.listStages(runId);
        for (const a of decided) if (stages.find((s) => s.stageId === a.stageId)?.status === 'waiting') approvals.set(a.stageId, stageApproval(a));
        if (approvals.size === 0) throw new SwitchyardError('CONFLICT', `run ${runId} is waiting for approval: run \`switchyard approve ${runId}\` or \`switchyard reject ${runId}\``);
      }
      prepared = await this.#preparedFor(run, options.pipeline);
      loaded = await Promise.all([store.listStages(runId), store.listHistory(runId), store.listEvents(runId)]);
      await store.updateRun(runId, { status: 'running', pid: process.pid, owner: lease.owner });
    } catch (error) {
      await store.releaseLease(lease).catch(() => false);
      throw error;
    }
    const [stages, history, events] = loaded;
    const seq = events.reduce((max, e) => Math.max(max, e.seq), 0);
    const pipelineFile = run.pipelineFile ?? prepared.file;
    return this.#execute(prepared, store, { runId, input: run.input, startedAt: new Date(), resumed: true, seq, lease, ...(pipelineFile ? { pipelineFile } : {}), stages, history, data: run.data ?? {}, approvals }, options);
  }

  async #preparedFor(run: RunRecord, pipeline: PipelineInput | undefined): Promise<PreparedPipeline> {
    if (pipeline !== undefined) return this.validate(pipeline);
    const options = { registry: this.registry, ...this.#resourceOption() };
    if (run.pipelineFile) return preparePipeline(run.pipeline, { ...options, file: run.pipelineFile, baseDir: dirname(run.pipelineFile) });
    return preparePipeline(run.pipeline, options);
  }

  async #execute(
    prepared: PreparedPipeline,
    store: RunStore,
    state: {
      runId: string;
      input: unknown;
      startedAt: Date;
      resumed: boolean;
      seq: number;
      pipelineFile?: string;
      stages?: RunStateInitStages;
      history?: RunStateInitHistory;
      data?: Record<string, unknown>;
      approvals?: Map<string, ApprovalDecision>;
      /** The run's lease this process holds: renewed while it runs, released at its end. */
      lease?: RunLease;
    },
    options: RunOptions | ResumeOptions,
  ): Promise<PipelineResult> {
    const sinks = options.sinks?.length ? [...this.#sinks, ...options.sinks] : this.#sinks;
    // the run's durable points (each stage's end, the run's end) write the buffered events in their own commit
    const bus = new RunEventBus(state.runId, sinks, store, { startSeq: state.seq, ownerCommits: true });
    const deadlineMs = options.deadlineMs ?? prepared.deadlineMs;
    const { signal, dispose, abort } = runSignal(options.signal, deadlineMs);
    // a renewal that finds the lease taken over cancels the run (when it has a signal) and skips its last write
    const keeper = state.lease ? new LeaseKeeper(store, state.lease, this.#lease, (error) => abort?.(error)) : undefined;
    const t0 = performance.now();
    bus.emit({ type: 'run.started', pipeline: prepared.name, ...(prepared.goal ? { goal: prepared.goal } : {}), resumed: state.resumed });
    let result: PipelineResult;
    let run: RunState | undefined;
    try {
      run = new RunState({
        runId: state.runId,
        pipeline: prepared,
        input: state.input,
        store,
        bus,
        home: this.home,
        signal,
        startedAt: state.startedAt,
        ...(state.pipelineFile ? { pipelineFile: state.pipelineFile } : {}),
        ...(state.stages ? { stages: state.stages } : {}),
        ...(state.history ? { history: state.history } : {}),
        ...(state.data ? { data: state.data } : {}),
        ...(state.approvals ? { approvals: state.approvals } : {}),
      });
      result = await run.execute();
    } catch (thrown) {
      const error = toSwitchyardError(thrown, 'INTERNAL');
      bus.emit({ type: 'run.finished', status: 'failed', durationMs: performance.now() - t0, error: serializeError(error) });
      const held = run?.takeHeld();
      if (!keeper?.lost) await commitRun(store, { ...held, runId: state.runId, run: { ...held?.run, status: 'failed', error: serializeError(error) } }).catch(() => {});
      await bus.flush();
      await keeper?.release();
      dispose();
      throw error;
    }
    dispose();
    bus.emit({ type: 'run.finished', status: result.status, durationMs: performance.now() - t0, output: result.output, ...(result.error ? { error: result.error } : {}) });
    // the run's end: one commit with the last step's outcome (held for it), the remaining events and the run record
    const held = run.takeHeld();
    if (keeper?.lost) {
      // another process owns the run now: its record is theirs to write
      await keeper.release();
      throw new SwitchyardError('CONFLICT', `run ${state.runId}: this process lost the run's lease while it ran (another process took it over); its outcome was not recorded here`, {
        details: { runId: state.runId },
      });
    }
    try {
      await commitRun(store, {
        ...held,
        runId: state.runId,
        events: bus.take(),
        run: { ...held?.run, status: result.status, output: result.output, data: result.data as Record<string, unknown>, ...(result.error ? { error: result.error } : {}) },
      });
      await bus.flush();
    } finally {
      await keeper?.release();
    }
    return result;
  }

  async #getRun(store: RunStore, runId: string): Promise<RunRecord> {
    const run = await store.getRun(runId);
    if (!run) throw new SwitchyardError('NOT_FOUND', `no run ${JSON.stringify(runId)} in ${this.home}`, { details: { runId } });
    return run;
  }

  /** What every validation gets from the hub: its resources and the expression limits. */
  #resourceOption(): { resources?: ResourceRegistry; expressionLimits: ExpressionLimits } & OperatorRoots {
    return { ...(this.#resources ? { resources: this.#resources } : {}), expressionLimits: this.#expressionLimits, ...this.#roots };
  }
}

type RunStateInitStages = ConstructorParameters<typeof RunState>[0]['stages'];
type RunStateInitHistory = ConstructorParameters<typeof RunState>[0]['history'];

/** Resume, approve or reject on a rejected run: refused, with the decision. */
function rejectedRunError(runId: string, message: string): SwitchyardError {
  return new SwitchyardError('CONFLICT', `run ${runId} was rejected (${message}); it cannot be resumed: start a new run`, { details: { runId, status: 'failed', code: 'REJECTED' } });
}

/** `20261121-235812-a1b2c3d4e5`: sortable by time, random enough for thousands of runs a second. */
export function newRunId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${randomBytes(5).toString('hex')}`;
}

function runSignal(signal: AbortSignal | undefined, deadlineMs: number | undefined): { signal: AbortSignal; dispose: () => void; abort?: (reason: unknown) => void } {
  if (!signal && !deadlineMs) return { signal: NEVER_ABORTED, dispose: () => {} };
  const controller = new AbortController();
  const onAbort = () => controller.abort(signal?.reason);
  if (signal?.aborted) onAbort();
  else signal?.addEventListener('abort', onAbort, { once: true });
  const timer = deadlineMs ? setTimeout(() => controller.abort(new SwitchyardError('TIMEOUT', `run deadline of ${deadlineMs} ms exceeded`)), deadlineMs) : undefined;
  return {
    signal: controller.signal,
    abort: (reason) => controller.abort(reason),
    dispose: () => {
      if (timer) clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    },
  };
}

const storable = new WeakMap<PreparedPipeline, unknown>();
const ranOnce = new WeakSet<PreparedPipeline>();

/**
 * The pipeline as JSON: functions (code-only `input`/`when`) are dropped; resume such runs with `{ pipeline }`.
 * Kept from the second run of one prepared pipeline on (stores copy what they keep), so runs that validate
 * every time hold no extra copy while they are in flight.
 */
function storableDocument(prepared: PreparedPipeline): unknown {
  const cached = storable.get(prepared);
  if (cached !== undefined) return cached;
  let json: unknown;
  try {
    json = JSON.parse(JSON.stringify(prepared.document, (_key, value: unknown) => (typeof value === 'function' ? undefined : value)));
  } catch (error) {
    // A pipeline object from code that holds itself, or is nested deeper than JSON can be written: a user's mistake.
    const why = error instanceof RangeError ? 'it is nested too deeply to be stored' : 'it contains itself (a cycle)';
    throw new SwitchyardError('INVALID_PIPELINE', `pipeline: expected a document the run store can keep as JSON; ${why}`, { path: 'pipeline', expected: 'a JSON-serialisable pipeline', cause: error });
  }
  if (ranOnce.has(prepared)) storable.set(prepared, json);
  else ranOnce.add(prepared);
  return json;
}

function streamOf(start: (sink: EventSink) => Promise<unknown>): AsyncIterable<RunEvent> {
  return {
    [Symbol.asyncIterator]() {
      const queue: RunEvent[] = [];
      let wake: (() => void) | undefined;
      let done = false;
      let failure: unknown;
      let started = false;
      const notify = () => {
        wake?.();
        wake = undefined;
      };
      const begin = () => {
        started = true;
        start({ handle: (event) => void (queue.push(event), notify()) }).then(
          () => {
            done = true;
            notify();
          },
          (error: unknown) => {
            failure = error;
            done = true;
            notify();
          },
        );
      };
      return {
        async next(): Promise<IteratorResult<RunEvent>> {
          if (!started) begin();
          for (;;) {
            const event = queue.shift();
            if (event) return { value: event, done: false };
            if (done) {
              if (failure !== undefined) {
                const error = failure;
                failure = undefined;
                throw error;
              }
              return { value: undefined, done: true };
            }
            await new Promise<void>((resolve) => (wake = resolve));
          }
        },
      };
    },
  };
}
