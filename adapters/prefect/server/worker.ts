import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { SwitchyardError, toSwitchyardError } from 'switchyard/adapter-kit';
import type { PrefectClient } from './client.js';
import { sleep } from 'switchyard/adapter-kit';
import { setState } from './set-state.js';
import type { FlowRun, LogCreate } from './types.js';

/** What the worker hands the code that runs a claimed flow run. */
export interface FlowRunJob {
  readonly flowRun: FlowRun;
  readonly parameters: Record<string, unknown>;
  /** Aborted when the flow run is cancelled in Prefect or the worker is stopped hard. */
  readonly signal: AbortSignal;
  /** Lines end up in the flow run's logs in Prefect. */
  log(message: string, level?: 'info' | 'warning' | 'error'): void;
}

export interface FlowRunOutcome {
  readonly ok: boolean;
  /** Stored with the COMPLETED state (JSON, up to 256 KB), so `triggerDeployment` can return it. */
  readonly output?: unknown;
  /** Why it failed; becomes the FAILED state's message. */
  readonly message?: string;
}

/** Runs one claimed flow run. The default runs the pipeline carried in the parameters with HybridOrchestrator. */
export type FlowRunExecutor = (job: FlowRunJob) => Promise<FlowRunOutcome>;

export interface WorkerOptions {
  readonly client: PrefectClient;
  readonly pool: string;
  readonly execute: FlowRunExecutor;
  /** Worker name shown in Prefect; default `switchyard-<host>-<random>`. */
  readonly name?: string;
  /** Most flow runs executing at once; default 1. */
  readonly limit?: number;
  /** Default 2000 ms. */
  readonly pollIntervalMs?: number;
  /** Default 30 s. */
  readonly heartbeatIntervalMs?: number;
  /** Also pick up runs scheduled up to this far ahead (their RUNNING proposal WAITs until the time); default 10 s. */
  readonly prefetchMs?: number;
  /** How often a running flow run is checked for cancellation in Prefect; default 2000 ms. */
  readonly cancelCheckMs?: number;
  readonly workQueues?: readonly string[];
  /** Where the worker says what it does; default nowhere. */
  readonly onEvent?: (event: WorkerEvent) => void;
}

export type WorkerEvent =
  | { readonly type: 'polled'; readonly found: number }
  | { readonly type: 'claimed'; readonly flowRunId: string; readonly name: string }
  | { readonly type: 'claim-lost'; readonly flowRunId: string; readonly reason: string }
  | { readonly type: 'finished'; readonly flowRunId: string; readonly name: string; readonly state: 'COMPLETED' | 'FAILED' | 'CANCELLED'; readonly message?: string }
  | { readonly type: 'error'; readonly message: string };

const MAX_RESULT_BYTES = 256 * 1024;

/**
 * A Prefect worker for one work pool: heartbeats, polls `get_scheduled_flow_runs`, claims each run
 * by proposing PENDING then RUNNING through `setState` (Prefect aborts a second claim, so two workers
 * never run one flow run twice), executes it and reports COMPLETED, FAILED or CANCELLED.
 */
export class PrefectWorker {
  readonly name: string;
  /** Flow run ids this worker executed, in order of claim. */
  readonly executed: string[] = [];
  private readonly stopController = new AbortController();
  private readonly running = new Map<string, { promise: Promise<void>; controller: AbortController }>();
  private heartbeatTimer: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly options: WorkerOptions) {
    this.name = options.name ?? `switchyard-${hostname()}-${randomUUID().slice(0, 8)}`;
  }

  get limit(): number {
    return this.options.limit ?? 1;
  }

  /** Polls until `stop()`; with `once`, polls one time, runs what it claimed, and returns. */
  async run({ once = false }: { once?: boolean } = {}): Promise<void> {
    const { client, pool } = this.options;
    const pool_ = await client.readWorkPool(pool);
    if (!pool_) throw new SwitchyardError('NOT_FOUND', `Prefect has no work pool "${pool}"; \`switchyard deploy FILE --pool ${pool}\` creates it`, { path: '--pool' });
    await this.heartbeat();
    const heartbeatMs = this.options.heartbeatIntervalMs ?? 30_000;
    this.heartbeatTimer = setInterval(() => void this.heartbeat(), heartbeatMs);
    this.heartbeatTimer.unref?.();
    try {
      for (;;) {
        if (this.stopController.signal.aborted) break;
        await this.pollOnce();
        if (once) break;
        try {
          await sleep(this.options.pollIntervalMs ?? 2000, this.stopController.signal);
        } catch {
          break;
        }
      }
      await Promise.all([...this.running.values()].map((r) => r.promise));
    } finally {
      clearInterval(this.heartbeatTimer);
    }
  }

  /**
   * Stops polling. Running flow runs finish and report their state; with `abort` they are
   * cancelled instead (reported CANCELLED). Resolves when nothing is running any more.
   */
  async stop({ abort = false }: { abort?: boolean } = {}): Promise<void> {
    this.stopController.abort();
    if (abort) for (const r of this.running.values()) r.controller.abort(new SwitchyardError('CANCELLED', `worker ${this.name} stopped`));
    await Promise.all([...this.running.values()].map((r) => r.promise));
  }

  /**
   * One poll: asks for more scheduled runs than there are free slots and claims them in order
   * (one PENDING proposal each) until the slots are full, skipping runs another worker claimed first.
   * Claimed runs then execute in the background.
   */
  async pollOnce(): Promise<number> {
    const free = this.limit - this.running.size;
    if (free <= 0) return 0;
    const { client, pool } = this.options;
    let found;
    try {
      found = await client.getScheduledFlowRuns(pool, {
        scheduled_before: new Date(Date.now() + (this.options.prefetchMs ?? 10_000)).toISOString(),
        limit: free + 8,
        ...(this.options.workQueues ? { work_queue_names: this.options.workQueues } : {}),
      });
    } catch (error) {
      this.options.onEvent?.({ type: 'error', message: `polling ${pool}: ${(error as Error).message}` });
      return 0;
    }
    this.options.onEvent?.({ type: 'polled', found: found.length });
    let claimed = 0;
    for (const { flow_run: flowRun } of found) {
      if (this.stopController.signal.aborted || this.running.size >= this.limit) break;
      if (this.running.has(flowRun.id)) continue;
      let won: boolean;
      try {
        won = await this.claim(flowRun);
      } catch (error) {
        this.options.onEvent?.({ type: 'error', message: `claiming ${flowRun.name}: ${(error as Error).message}` });
        continue;
      }
      if (!won) continue;
      const controller = new AbortController();
      const entry = { promise: Promise.resolve(), controller };
      this.running.set(flowRun.id, entry);
      entry.promise = this.execute(flowRun, controller)
        .catch((error: unknown) => this.options.onEvent?.({ type: 'error', message: `${flowRun.name}: ${(error as Error).message}` }))
        .finally(() => this.running.delete(flowRun.id));
      claimed++;
    }
    return claimed;
  }

  private async heartbeat(): Promise<void> {
    try {
      await this.options.client.workerHeartbeat(this.options.pool, this.name, Math.round((this.options.heartbeatIntervalMs ?? 30_000) / 1000));
    } catch (error) {
      this.options.onEvent?.({ type: 'error', message: `heartbeat: ${(error as Error).message}` });
    }
  }

  /** Proposes PENDING: Prefect accepts it for one worker only (a second proposal is ABORTed). */
  private async claim(flowRun: FlowRun): Promise<boolean> {
    const mark = `claimed by ${this.name}`;
    const pending = await setState(this.options.client, 'flow_run', flowRun.id, { type: 'PENDING', message: mark });
    if (pending.status === 'ACCEPT') return true;
    // A proposal whose answer got lost and was sent again is refused as a second claim: ours if it carries our mark.
    if (pending.state?.type === 'PENDING' && pending.state.message === mark) return true;
    this.options.onEvent?.({ type: 'claim-lost', flowRunId: flowRun.id, reason: pending.reason });
    return false;
  }

  private async execute(flowRun: FlowRun, controller: AbortController): Promise<void> {
    const { client } = this.options;
    // RUNNING may WAIT until the scheduled time; setState sleeps it out (a hard stop aborts the wait).
    const running = await setState(client, 'flow_run', flowRun.id, { type: 'RUNNING', message: `running on ${this.name}` }, { signal: controller.signal }).catch(
      (error: unknown) => ({ status: 'ABORT' as const, state: null, reason: (error as Error).message }),
    );
    if (running.status !== 'ACCEPT') {
      this.options.onEvent?.({ type: 'claim-lost', flowRunId: flowRun.id, reason: running.reason });
      // Give the run back so another worker (or this one later) can take it.
      await setState(client, 'flow_run', flowRun.id, { type: 'SCHEDULED', message: `released by ${this.name}` }).catch(() => undefined);
      return;
    }
    this.executed.push(flowRun.id);
    this.options.onEvent?.({ type: 'claimed', flowRunId: flowRun.id, name: flowRun.name });

    const logs: LogCreate[] = [];
    const log = (message: string, level: 'info' | 'warning' | 'error' = 'info') => {
      logs.push({ name: 'switchyard.worker', level: level === 'error' ? 40 : level === 'warning' ? 30 : 20, message, timestamp: new Date().toISOString(), flow_run_id: flowRun.id });
    };
    log(`worker ${this.name} claimed flow run ${flowRun.name}`);
    const watcher = this.watchCancellation(flowRun.id, controller);
    let outcome: FlowRunOutcome;
    try {
      outcome = await this.options.execute({ flowRun, parameters: flowRun.parameters ?? {}, signal: controller.signal, log });
    } catch (error) {
      outcome = { ok: false, message: toSwitchyardError(error).message };
    } finally {
      watcher.stop();
    }
    let final: { type: 'COMPLETED' | 'FAILED' | 'CANCELLED'; message: string; data?: unknown };
    if (controller.signal.aborted) final = { type: 'CANCELLED', message: outcome.message ?? `cancelled while running on ${this.name}` };
    else if (outcome.ok) final = { type: 'COMPLETED', message: `completed on ${this.name}`, ...resultData(outcome.output) };
    else final = { type: 'FAILED', message: outcome.message ?? 'failed' };
    log(`${final.type.toLowerCase()}: ${final.message}`, final.type === 'COMPLETED' ? 'info' : 'error');
    await client.createLogs(logs).catch(() => undefined);
    await setState(client, 'flow_run', flowRun.id, final);
    this.options.onEvent?.({ type: 'finished', flowRunId: flowRun.id, name: flowRun.name, state: final.type, message: final.message });
  }

  /** Aborts the job when someone moves the flow run to CANCELLING/CANCELLED in Prefect. */
  private watchCancellation(flowRunId: string, controller: AbortController): { stop(): void } {
    const every = this.options.cancelCheckMs ?? 2000;
    const timer = setInterval(() => {
      this.options.client
        .readFlowRun(flowRunId)
        .then((run) => {
          const type = run.state?.type;
          if (type === 'CANCELLING' || type === 'CANCELLED') controller.abort(new SwitchyardError('CANCELLED', `flow run cancelled in Prefect`));
        })
        .catch(() => undefined);
    }, every);
    timer.unref?.();
    return { stop: () => clearInterval(timer) };
  }
}

function resultData(output: unknown): { data?: unknown } {
  if (output === undefined) return {};
  try {
    const text = JSON.stringify(output);
    if (text === undefined || Buffer.byteLength(text) > MAX_RESULT_BYTES) return {};
    return { data: JSON.parse(text) as unknown };
  } catch {
    return {};
  }
}
