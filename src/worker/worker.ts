import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { sleep } from '../abort.js';
import { SwitchyardError, toSwitchyardError } from '../errors.js';
import type { LeaseCheck, WorkExecutor, WorkItem, WorkLogLevel, WorkLogLine, WorkOutcome, WorkResult, WorkSource, WorkerEvent, WorkerInfo } from './source.js';

export interface WorkerOptions<Item extends WorkItem = WorkItem> {
  /** Where the work comes from (`prefectWorkSource(...)` from `switchyard/prefect` for a Prefect work pool). */
  readonly source: WorkSource<Item>;
  /** Runs each claimed item; `pipelineExecutor()` runs the pipeline it carries. */
  readonly execute: WorkExecutor<Item>;
  /** Worker name shown at the source; default `switchyard-<host>-<random>`. */
  readonly name?: string;
  /** Most items executing at once; default 1. */
  readonly limit?: number;
  /** Default 2000 ms. */
  readonly pollIntervalMs?: number;
  /** Default 30 s. */
  readonly heartbeatIntervalMs?: number;
  /** How often a running item is checked for cancellation at the source; default 2000 ms. */
  readonly cancelCheckMs?: number;
  /**
   * Finds items whose worker died: for each item the source lists as running elsewhere (`listRunning`), says whether
   * its lease lapsed; such items are handed to `source.crash` (crashed, and retried when allowed). Default: none.
   * `pipelineExecutor().leaseCheck` reads the run leases of the shared run store.
   */
  readonly leaseCheck?: LeaseCheck<Item>;
  /** How often the lease check runs (on a poll); default 15 s. */
  readonly leaseCheckMs?: number;
  /** Where the worker says what it does; default nowhere. */
  readonly onEvent?: (event: WorkerEvent) => void;
}

/** Candidates asked for beyond the free slots, so items other workers win first do not leave slots empty. */
const EXTRA_CANDIDATES = 8;

/**
 * A worker over one `WorkSource`: heartbeats, polls, claims candidates one by one until its slots are full
 * (the source guarantees one winner per item, so several workers can share a queue), starts each claimed item,
 * executes it while watching for cancellation, and reports COMPLETED, FAILED or CANCELLED.
 */
export class Worker<Item extends WorkItem = WorkItem> {
  readonly name: string;
  /** Ids of the items this worker executed, in order of start. */
  readonly executed: string[] = [];
  private readonly stopController = new AbortController();
  private readonly running = new Map<string, { promise: Promise<void>; controller: AbortController }>();
  private heartbeatTimer: ReturnType<typeof setInterval> | undefined;
  private lastLeaseCheck = 0;

  constructor(private readonly options: WorkerOptions<Item>) {
    this.name = options.name ?? `switchyard-${hostname()}-${randomUUID().slice(0, 8)}`;
  }

  get limit(): number {
    return this.options.limit ?? 1;
  }

  private get info(): WorkerInfo {
    return { name: this.name, heartbeatIntervalMs: this.options.heartbeatIntervalMs ?? 30_000 };
  }

  /** Polls until `stop()`; with `once`, polls one time, runs what it claimed, and returns. */
  async run({ once = false }: { once?: boolean } = {}): Promise<void> {
    const { source } = this.options;
    await source.open?.(this.info);
    await this.heartbeat();
    this.heartbeatTimer = setInterval(() => void this.heartbeat(), this.info.heartbeatIntervalMs);
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
   * Stops polling. Running items finish and report their state; with `abort` they are cancelled
   * instead (reported CANCELLED). Resolves when nothing is running any more.
   */
  async stop({ abort = false }: { abort?: boolean } = {}): Promise<void> {
    this.stopController.abort();
    if (abort) for (const r of this.running.values()) r.controller.abort(new SwitchyardError('CANCELLED', `worker ${this.name} stopped`));
    await Promise.all([...this.running.values()].map((r) => r.promise));
  }

  /**
   * One poll: asks for more candidates than there are free slots and claims them in order until
   * the slots are full, skipping items another worker claimed first. Claimed items then execute in
   * the background. Returns how many were claimed.
   */
  async pollOnce(): Promise<number> {
    await this.checkLeases();
    const free = this.limit - this.running.size;
    if (free <= 0) return 0;
    const { source, onEvent } = this.options;
    let found: readonly Item[];
    try {
      found = await source.poll(free + EXTRA_CANDIDATES);
    } catch (error) {
      onEvent?.({ type: 'error', message: `polling ${source.name}: ${(error as Error).message}` });
      return 0;
    }
    onEvent?.({ type: 'polled', found: found.length });
    let claimed = 0;
    for (const item of found) {
      if (this.stopController.signal.aborted || this.running.size >= this.limit) break;
      if (this.running.has(item.id)) continue;
      let claim;
      try {
        claim = await source.claim(item, this.info);
      } catch (error) {
        onEvent?.({ type: 'error', message: `claiming ${item.name}: ${(error as Error).message}` });
        continue;
      }
      if (!claim.ok) {
        onEvent?.({ type: 'claim-lost', flowRunId: item.id, reason: claim.reason });
        continue;
      }
      const controller = new AbortController();
      const entry = { promise: Promise.resolve(), controller };
      this.running.set(item.id, entry);
      entry.promise = this.execute(item, controller)
        .catch((error: unknown) => onEvent?.({ type: 'error', message: `${item.name}: ${(error as Error).message}` }))
        .finally(() => this.running.delete(item.id));
      claimed++;
    }
    return claimed;
  }

  /**
   * At most every `leaseCheckMs`: items running on other workers whose lease lapsed (the worker died) go to
   * `source.crash`, which marks them crashed through the source's rules and schedules a retry when allowed.
   */
  private async checkLeases(): Promise<void> {
    const { source, leaseCheck, onEvent } = this.options;
    if (!leaseCheck || !source.listRunning || !source.crash) return;
    const now = Date.now();
    if (now - this.lastLeaseCheck < (this.options.leaseCheckMs ?? 15_000)) return;
    this.lastLeaseCheck = now;
    let running: readonly Item[];
    try {
      running = await source.listRunning();
    } catch (error) {
      onEvent?.({ type: 'error', message: `listing running items of ${source.name}: ${(error as Error).message}` });
      return;
    }
    for (const item of running) {
      if (this.running.has(item.id) || this.stopController.signal.aborted) continue;
      try {
        const reason = await leaseCheck(item);
        if (reason === undefined) continue;
        const action = await source.crash(item, this.info, reason);
        if (action !== undefined) onEvent?.({ type: 'crashed', flowRunId: item.id, name: item.name, reason, action });
      } catch (error) {
        onEvent?.({ type: 'error', message: `lease check of ${item.name}: ${(error as Error).message}` });
      }
    }
  }

  private async heartbeat(): Promise<void> {
    try {
      await this.options.source.heartbeat?.(this.info);
    } catch (error) {
      this.options.onEvent?.({ type: 'error', message: `heartbeat: ${(error as Error).message}` });
    }
  }

  private async execute(item: Item, controller: AbortController): Promise<void> {
    const { source, onEvent } = this.options;
    // Starting may wait (a Prefect run until its scheduled time); a hard stop aborts the wait.
    const started = await source.start(item, this.info, controller.signal).catch((error: unknown) => ({ ok: false as const, reason: (error as Error).message }));
    if (!started.ok) {
      onEvent?.({ type: 'claim-lost', flowRunId: item.id, reason: started.reason });
      // Give it back so another worker (or this one later) can take it.
      await source.release(item, this.info).catch(() => undefined);
      return;
    }
    this.executed.push(item.id);
    onEvent?.({ type: 'claimed', flowRunId: item.id, name: item.name });

    const lines: WorkLogLine[] = [];
    const log = (message: string, level: WorkLogLevel = 'info') => {
      lines.push({ level, message, timestamp: new Date().toISOString() });
    };
    log(`worker ${this.name} claimed ${item.label}`);
    const watcher = this.watchCancellation(item, controller);
    let outcome: WorkOutcome;
    try {
      outcome = await this.options.execute({ item, parameters: item.parameters, signal: controller.signal, log });
    } catch (error) {
      outcome = { ok: false, message: toSwitchyardError(error).message };
    } finally {
      watcher.stop();
    }
    let final: WorkResult;
    if (controller.signal.aborted) final = { state: 'CANCELLED', message: outcome.message ?? `cancelled while running on ${this.name}` };
    else if (outcome.ok) final = { state: 'COMPLETED', message: `completed on ${this.name}`, ...(outcome.output === undefined ? {} : { data: outcome.output }) };
    else final = { state: 'FAILED', message: outcome.message ?? 'failed' };
    log(`${final.state.toLowerCase()}: ${final.message}`, final.state === 'COMPLETED' ? 'info' : 'error');
    await source.writeLogs(item, lines).catch(() => undefined);
    await source.finish(item, final);
    onEvent?.({ type: 'finished', flowRunId: item.id, name: item.name, state: final.state, message: final.message });
  }

  /** Aborts the job when the item is cancelled at the source (in Prefect: moved to CANCELLING or CANCELLED). */
  private watchCancellation(item: Item, controller: AbortController): { stop(): void } {
    const timer = setInterval(() => {
      this.options.source
        .checkCancelled(item)
        .then((reason) => {
          if (reason !== undefined) controller.abort(new SwitchyardError('CANCELLED', reason));
        })
        .catch(() => undefined);
    }, this.options.cancelCheckMs ?? 2000);
    timer.unref?.();
    return { stop: () => clearInterval(timer) };
  }
}
