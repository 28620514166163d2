import { SwitchyardError } from '../errors.js';
import { newRunId, type HybridOrchestrator } from '../pipeline/orchestrator.js';
import type { PipelineResult } from '../pipeline/result.js';
import { isProcessAlive, shownRun } from '../pipeline/run-status.js';
import type { PreparedPipeline } from '../pipeline/validate.js';
import type { RunRecord, RunStore } from '../store/types.js';
import type { EventBroker } from './broker.js';
import type { PipelineCatalog } from './catalog.js';
import { HttpProblem, problems } from './problems.js';
import { storedRun } from './views.js';
import type { Webhooks } from './webhooks.js';

/**
 * Runs the server executes: each starts in the background on the hub with a run id chosen here, and the request is
 * answered once its `run.started` event is out (the run is in the store then); what the run does next is read from
 * the store and followed through the broker. At most `maxInFlight` executions go on at once (429 beyond).
 */

export interface RunManagerOptions {
  readonly hub: HybridOrchestrator;
  readonly store: RunStore;
  readonly broker: EventBroker;
  readonly catalog: PipelineCatalog;
  readonly webhooks: Webhooks;
  readonly maxInFlight: number;
  readonly log: (line: string) => void;
}

interface InFlight {
  readonly controller: AbortController;
  readonly done: Promise<void>;
}

export interface StartOptions {
  readonly input?: unknown;
  readonly deadlineMs?: number;
  readonly webhook?: string;
}

export interface DecisionOptions {
  readonly stageId?: string;
  /** One of several approvals a stage waits on at once, by id or by point. */
  readonly approvalId?: string;
  readonly point?: string;
  readonly data?: Record<string, unknown>;
  readonly reason?: string;
  readonly by?: string;
}

export class RunManager {
  readonly #o: RunManagerOptions;
  readonly #inFlight = new Map<string, InFlight>();
  /** Runs a request is about to continue (checked, not started yet). */
  readonly #reserved = new Set<string>();
  /** Webhook URL of each run started with one, kept for its later executions (after an approval) in this process. */
  readonly #webhooks = new Map<string, string>();
  #closing = false;

  constructor(options: RunManagerOptions) {
    this.#o = options;
  }

  get inFlight(): number {
    return this.#inFlight.size;
  }

  /** Starts a run of a prepared pipeline; resolves with its id once it has started. */
  async start(prepared: PreparedPipeline, options: StartOptions): Promise<string> {
    this.#admit();
    const runId = newRunId();
    if (options.webhook) this.#webhooks.set(runId, options.webhook);
    const { input, deadlineMs } = options;
    try {
      await this.#launch(runId, (signal) => this.#o.hub.run(prepared, { runId, signal, ...(input !== undefined ? { input } : {}), ...(deadlineMs ? { deadlineMs } : {}) }));
    } catch (error) {
      this.#webhooks.delete(runId);
      throw error;
    }
    return runId;
  }

  /** Records an approval or a rejection and resumes the run in the background (once the last of several open approvals is decided). */
  async decide(runId: string, approved: boolean, options: DecisionOptions): Promise<void> {
    await this.#continue(runId, async (run) => {
      if (run.status !== 'waiting') throw problems.conflict(`run ${runId} is ${run.status}, not waiting for approval`, { runStatus: run.status });
      const pipeline = await this.#pipelineOf(run);
      const common = {
        pipeline,
        ...(options.stageId ? { stageId: options.stageId } : {}),
        ...(options.approvalId ? { approvalId: options.approvalId } : {}),
        ...(options.point ? { point: options.point } : {}),
        ...(options.by ? { by: options.by } : {}),
      };
      return (signal) =>
        approved
          ? this.#o.hub.approve(runId, { ...common, signal, ...(options.data ? { data: options.data } : {}) })
          : this.#o.hub.reject(runId, { ...common, signal, ...(options.reason ? { reason: options.reason } : {}) });
    });
  }

  /** Resumes an interrupted, failed or cancelled run (or a decided one) in the background. */
  async resume(runId: string): Promise<void> {
    await this.#continue(runId, async (run) => {
      const pipeline = await this.#pipelineOf(run);
      return (signal) => this.#o.hub.resume(runId, { pipeline, signal });
    });
  }

  /**
   * Cancels a run: one executing here is aborted (the hub records it `cancelled`; waits up to `waitMs` for that);
   * a waiting or interrupted one is marked `cancelled` in the store. A run live in another process, or finished, is a 409.
   */
  async cancel(runId: string, waitMs = 10_000): Promise<void> {
    const live = this.#inFlight.get(runId);
    if (live) {
      live.controller.abort(new SwitchyardError('CANCELLED', 'cancelled through the API'));
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([live.done, new Promise<void>((resolve) => (timer = setTimeout(resolve, waitMs)))]);
      clearTimeout(timer);
      return;
    }
    const run = await shownRun(this.#o.store, await storedRun(this.#o.store, runId));
    // alive elsewhere: its lease is held (or, for a record without one, its pid is alive on this host)
    if (run.status === 'running' && (run.owner !== undefined || (run.pid !== undefined && run.pid !== process.pid && isProcessAlive(run.pid)))) {
      throw problems.conflict(`run ${runId} is running in process ${run.pid}, not in this server; cancel it there`, { runStatus: run.status });
    }
    if (run.status !== 'running' && run.status !== 'waiting' && run.status !== 'interrupted') throw problems.conflict(`run ${runId} is ${run.status} already`, { runStatus: run.status });
    await this.#o.store.updateRun(runId, { status: 'cancelled', updatedAt: new Date().toISOString(), error: { code: 'CANCELLED', message: 'cancelled through the API' } });
  }

  /**
   * Stops taking runs; gives those in flight `graceMs` to finish, then aborts them (they are recorded `cancelled`
   * and can be resumed) and waits for them to be recorded.
   */
  async close(graceMs: number): Promise<{ finished: number; cancelled: number }> {
    this.#closing = true;
    const running = [...this.#inFlight.values()];
    let timer: NodeJS.Timeout | undefined;
    const all = Promise.all(running.map((r) => r.done));
    await Promise.race([all, new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)))]);
    clearTimeout(timer);
    const left = [...this.#inFlight.values()];
    for (const run of left) run.controller.abort(new SwitchyardError('CANCELLED', 'the server stopped'));
    await Promise.all(left.map((r) => r.done));
    await this.#o.webhooks.drain();
    return { finished: running.length - left.length, cancelled: left.length };
  }

  #admit(): void {
    if (this.#closing) throw new HttpProblem(503, 'service-unavailable', 'the server is stopping; try again once it is back', { headers: { 'retry-after': '5' } });
    let reserved = 0;
    for (const id of this.#reserved) if (!this.#inFlight.has(id)) reserved++;
    if (this.#inFlight.size + reserved >= this.#o.maxInFlight) {
      throw problems.tooMany('too-many-runs', `${this.#o.maxInFlight} runs are in flight, the most this server runs at once; retry after the Retry-After delay`, 1);
    }
  }

  /**
   * Continues a stored run this server may continue (not running here already, from a pipeline it serves): the run id
   * is reserved at once, so two requests for one run never both go on.
   */
  async #continue(runId: string, plan: (run: RunRecord) => Promise<(signal: AbortSignal) => Promise<PipelineResult>>): Promise<void> {
    if (this.#inFlight.has(runId) || this.#reserved.has(runId)) throw problems.conflict(`run ${runId} is running in this server already`, { runStatus: 'running' });
    this.#admit();
    this.#reserved.add(runId);
    try {
      const go = await plan(await storedRun(this.#o.store, runId));
      await this.#launch(runId, go);
    } finally {
      this.#reserved.delete(runId);
    }
  }

  /** The prepared pipeline a stored run continues with: the registered one for its file, or its inline document again. */
  async #pipelineOf(run: RunRecord): Promise<PreparedPipeline> {
    if (run.pipelineFile === undefined) return this.#o.catalog.prepareInline(run.pipeline);
    const entry = this.#o.catalog.byFile(run.pipelineFile);
    if (!entry) throw problems.conflict(`run ${run.runId} came from a pipeline file this server does not serve (${run.pipelineName}); continue it with the switchyard CLI`);
    return entry.prepared;
  }

  /**
   * Starts `go` with an abort signal and waits for its `run.started` event; a failure before that (an invalid
   * decision, a run in the wrong state) is thrown to the caller, one after it is the run's own (recorded by the hub).
   */
  async #launch(runId: string, go: (signal: AbortSignal) => Promise<PipelineResult>): Promise<void> {
    const controller = new AbortController();
    const started = this.#o.broker.next(runId, (event) => event.type === 'run.started');
    let settle: () => void = () => {};
    const done = new Promise<void>((resolve) => (settle = resolve));
    this.#inFlight.set(runId, { controller, done });
    let result: Promise<PipelineResult>;
    try {
      result = go(controller.signal);
    } catch (error) {
      result = Promise.reject(error);
    }
    result.then(
      (outcome) => this.#finished(runId, outcome),
      (error: unknown) => this.#failed(runId, error),
    ).finally(() => {
      this.#inFlight.delete(runId);
      settle();
    });
    try {
      await Promise.race([started.promise, result.then(() => undefined)]);
    } catch (error) {
      started.cancel();
      throw error;
    }
    started.cancel();
  }

  #finished(runId: string, result: PipelineResult): void {
    const url = this.#webhooks.get(runId);
    if (!url) return;
    if (result.status !== 'waiting') this.#webhooks.delete(runId);
    this.#o.webhooks.deliver(url, {
      type: 'run.finished',
      runId,
      pipeline: result.pipeline,
      status: result.status,
      output: result.output ?? null,
      ...(result.error ? { error: result.error } : {}),
      ...(result.pendingApproval ? { pendingApproval: result.pendingApproval } : {}),
      at: new Date().toISOString(),
    });
  }

  async #failed(runId: string, error: unknown): Promise<void> {
    // Before `run.started` the caller answers with it; after, the hub has recorded the run `failed`.
    const run = await this.#o.store.getRun(runId).catch(() => undefined);
    if (!run || !this.#webhooks.has(runId)) return;
    if (run.status !== 'waiting') {
      const url = this.#webhooks.get(runId)!;
      this.#webhooks.delete(runId);
      this.#o.webhooks.deliver(url, { type: 'run.finished', runId, pipeline: run.pipelineName, status: run.status, output: run.output ?? null, ...(run.error ? { error: run.error } : {}), at: new Date().toISOString() });
    }
    if (!(error instanceof SwitchyardError) || !error.isUserError) this.#o.log(`run ${runId} ended with an error: ${error instanceof Error ? error.message : String(error)}`);
  }
}
