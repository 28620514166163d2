import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type BreeType from 'bree';
import { SwitchyardError } from 'switchyard/adapter-kit';
import type { ScheduleRecord } from 'switchyard/adapter-kit';
import { nextRunAt } from 'switchyard/adapter-kit';
import type { FireTrigger, Scheduler, SchedulerEvent, SchedulerOptions, StopOptions, StopReport } from 'switchyard/adapter-kit';

interface ActiveRun {
  readonly scheduleId: string;
  readonly schedule: ScheduleRecord;
  readonly controller: AbortController;
  readonly done: Promise<void>;
  /** Set once the slot is claimed and the run handed to the runner (a firing that lost its claim never starts). */
  started: boolean;
}

/**
 * The worker bree starts for each firing. It only tells the parent "fire" and exits: the pipeline
 * runs in the parent process, so a worker's start-up (tens of ms) is paid once per firing, never per DAG task.
 * Plain code (no helpers), because bree stringifies it into an eval worker.
 */
const fireWorker = () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require('node:worker_threads').parentPort.postMessage('fire');
};

/** setTimeout's limit is about 24.8 days; further-off firings are armed later by a wake-up timer. */
const MAX_ARM_MS = 7 * 24 * 3_600_000;

/**
 * The embedded scheduler: schedules from the run store, each armed as a one-shot bree job at its next
 * time (computed with cron-parser in the schedule's zone, or from its interval) and re-armed after each firing.
 *
 * Several schedulers may share one store: each firing first claims its slot (the schedule's due time, the same
 * instant in every process) with `claimScheduleSlot`, and only the scheduler that wins starts the run, so each
 * slot fires once. An interval schedule's `lastRunAt` is the slot it fired, so every scheduler computes the same
 * next slots. The schedule points at a run (`lastRunId`) only once the run's record exists.
 */
export class BreeScheduler implements Scheduler {
  readonly #options: SchedulerOptions;
  #bree: BreeType | undefined;
  readonly #schedules = new Map<string, ScheduleRecord>();
  /** Timing key per armed schedule, to tell whether a reload changed it. */
  readonly #armed = new Map<string, string>();
  readonly #wakeups = new Map<string, ReturnType<typeof setTimeout>>();
  /** The time each schedule was last armed for: the next firing is computed strictly after it, so a timer firing a hair early never fires twice. */
  readonly #armedFor = new Map<string, number>();
  readonly #runs = new Map<string, ActiveRun>();
  #pendingTrigger = new Map<string, FireTrigger>();
  #chain: Promise<void> = Promise.resolve();
  #storeChain: Promise<unknown> = Promise.resolve();
  #reloadTimer: ReturnType<typeof setInterval> | undefined;
  #stopping = false;
  #started = false;
  /** The slot (ISO due time) each schedule's bree job is armed for. */
  readonly #slots = new Map<string, string>();
  readonly #owner: string;

  constructor(options: SchedulerOptions) {
    this.#options = options;
    this.#owner = options.owner ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  }

  running(): ReadonlyMap<string, string> {
    return new Map([...this.#runs].map(([runId, run]) => [runId, run.scheduleId]));
  }

  async start(): Promise<void> {
    if (this.#started) throw new SwitchyardError('CONFLICT', 'scheduler already started');
    this.#started = true;
    const { default: Bree } = await import('bree');
    this.#bree = new Bree({
      root: false,
      doRootCheck: false,
      logger: false,
      jobs: [],
      workerMessageHandler: ({ name, message }: { name: string; message: unknown }) => {
        if (message === 'fire') this.#fire(name, this.#pendingTrigger.get(name) ?? 'schedule');
      },
      errorHandler: (error: unknown, meta: { name?: string }) => {
        this.#emit({ type: 'scheduler.error', ...(meta?.name ? { scheduleId: meta.name } : {}), message: error instanceof Error ? error.message : String(error) });
      },
    });
    this.#bree.on('worker deleted', (name: string) => {
      this.#pendingTrigger.delete(name);
      this.#serial(() => this.#arm(name));
    });

    const now = new Date();
    const records = await this.#options.store.listSchedules();
    for (const record of records) {
      this.#schedules.set(record.id, record);
      if (record.paused) continue;
      const due = record.nextRunAt ? Date.parse(record.nextRunAt) : NaN;
      if (Number.isFinite(due) && due <= now.getTime()) {
        if (record.missed === 'run-once') this.#fire(record.id, 'missed');
        else this.#emit({ type: 'schedule.skipped', scheduleId: record.id, reason: 'missed' });
      }
    }
    await this.#serial(async () => {
      for (const id of this.#schedules.keys()) await this.#arm(id);
    });
    this.#emit({ type: 'scheduler.started', schedules: records.length });
    const reloadMs = this.#options.reloadMs ?? 2000;
    if (reloadMs > 0) {
      this.#reloadTimer = setInterval(() => {
        this.reload().catch((error: unknown) => this.#emit({ type: 'scheduler.error', message: (error as Error).message }));
      }, reloadMs);
    }
  }

  async reload(): Promise<void> {
    if (this.#stopping || !this.#bree) return;
    const records = await this.#options.store.listSchedules();
    const seen = new Set<string>();
    await this.#serial(async () => {
      for (const record of records) {
        seen.add(record.id);
        this.#schedules.set(record.id, record);
        if (this.#armed.get(record.id) !== timingKey(record)) await this.#arm(record.id);
      }
      for (const id of [...this.#schedules.keys()]) {
        if (seen.has(id)) continue;
        this.#schedules.delete(id);
        await this.#disarm(id);
      }
    });
  }

  async stop(options: StopOptions = {}): Promise<StopReport> {
    if (this.#stopping) return { finished: 0, interrupted: [] };
    this.#stopping = true;
    if (this.#reloadTimer) clearInterval(this.#reloadTimer);
    for (const timer of this.#wakeups.values()) clearTimeout(timer);
    this.#wakeups.clear();
    await this.#chain;
    await this.#bree?.stop();

    const graceMs = options.graceMs ?? 30_000;
    const inFlight = [...this.#runs.values()];
    let graceTimer: ReturnType<typeof setTimeout> | undefined;
    let onHurry: (() => void) | undefined;
    const hurried = new Promise<void>((resolve) => {
      onHurry = resolve;
      if (options.hurry?.aborted) resolve();
      else options.hurry?.addEventListener('abort', onHurry, { once: true });
    });
    await Promise.race([Promise.all(inFlight.map((run) => run.done)), new Promise<void>((resolve) => (graceTimer = setTimeout(resolve, graceMs))), hurried]);
    clearTimeout(graceTimer);
    if (onHurry) options.hurry?.removeEventListener('abort', onHurry);

    const interrupted: string[] = [];
    const left = [...this.#runs.entries()];
    for (const [, run] of left) run.controller.abort(new SwitchyardError('CANCELLED', 'the scheduler stopped before the run finished'));
    // Give aborted runs a moment to unwind, then record them as interrupted (after the hub wrote `cancelled`).
    await Promise.race([Promise.all(left.map(([, run]) => run.done)), new Promise((resolve) => setTimeout(resolve, 2000))]);
    for (const [runId, run] of left) {
      if (!run.started) continue;
      interrupted.push(runId);
      try {
        await this.#options.runner.interrupted?.(runId, run.schedule);
      } catch (error) {
        this.#emit({ type: 'scheduler.error', scheduleId: run.scheduleId, message: (error as Error).message });
      }
      this.#emit({ type: 'run.interrupted', scheduleId: run.scheduleId, runId });
    }
    const finished = inFlight.length - left.length;
    this.#emit({ type: 'scheduler.stopped', finished, interrupted: interrupted.length });
    return { finished, interrupted };
  }

  /** Runs bree add/remove/start one at a time, so a reload and a re-arm never interleave. */
  #serial(task: () => Promise<void>): Promise<void> {
    const next = this.#chain.then(task).catch((error: unknown) => this.#emit({ type: 'scheduler.error', message: (error as Error).message }));
    this.#chain = next;
    return next;
  }

  async #disarm(id: string): Promise<void> {
    this.#armed.delete(id);
    const wake = this.#wakeups.get(id);
    if (wake) clearTimeout(wake);
    this.#wakeups.delete(id);
    const bree = this.#bree!;
    if (bree.config.jobs.some((job: { name: string }) => job.name === id)) await bree.remove(id);
  }

  async #arm(id: string): Promise<void> {
    await this.#disarm(id);
    const record = this.#schedules.get(id);
    if (!record || record.paused || this.#stopping) return;
    const now = Date.now();
    let next: Date;
    try {
      next = nextRunAt(record, new Date(Math.max(now, (this.#armedFor.get(id) ?? 0) + 1)));
    } catch (error) {
      this.#emit({ type: 'scheduler.error', scheduleId: id, message: (error as Error).message });
      return;
    }
    this.#armed.set(id, timingKey(record));
    const delay = next.getTime() - now;
    if (delay > MAX_ARM_MS) {
      this.#wakeups.set(id, setTimeout(() => this.#serial(() => this.#arm(id)), MAX_ARM_MS));
    } else {
      const date = new Date(Math.max(next.getTime(), now + 5));
      this.#armedFor.set(id, date.getTime());
      this.#slots.set(id, next.toISOString());
      await this.#bree!.add({ name: id, path: fireWorker, date });
      await this.#bree!.start(id);
    }
    if (record.nextRunAt !== next.toISOString()) await this.#patch(id, { nextRunAt: next.toISOString() });
    this.#emit({ type: 'schedule.armed', scheduleId: id, nextRunAt: next.toISOString() });
  }

  /** Re-reads the record so a concurrent `schedule pause` from another process is not overwritten. */
  #patch(id: string, patch: Partial<ScheduleRecord>): Promise<void> {
    const next = this.#storeChain.then(() => this.#write(id, patch));
    this.#storeChain = next.catch(() => undefined);
    return next;
  }

  async #write(id: string, patch: Partial<ScheduleRecord>): Promise<void> {
    const current = (await this.#options.store.getSchedule(id)) ?? this.#schedules.get(id);
    if (!current) return;
    const updated = { ...current, ...patch };
    await this.#options.store.saveSchedule(updated);
    if (this.#schedules.has(id)) this.#schedules.set(id, { ...updated });
  }

  #fire(id: string, trigger: FireTrigger): void {
    const schedule = this.#schedules.get(id);
    if (!schedule || this.#stopping) return;
    if (schedule.paused) {
      this.#emit({ type: 'schedule.skipped', scheduleId: id, reason: 'paused' });
      return;
    }
    if (schedule.overlap === 'skip' && [...this.#runs.values()].some((run) => run.scheduleId === id)) {
      this.#emit({ type: 'schedule.skipped', scheduleId: id, reason: 'overlap' });
      return;
    }
    const runId = `sched-${randomUUID()}`;
    const controller = new AbortController();
    const firedAt = new Date();
    // the slot this firing is for: the due time it was armed for (or, catching up, the missed one), the same in every scheduler
    const slot = trigger === 'missed' ? schedule.nextRunAt : this.#slots.get(id);
    const active: ActiveRun = { scheduleId: id, schedule, controller, done: Promise.resolve(), started: false };
    const done = (async () => {
      let pointed = false;
      const lastRunAt = slot !== undefined && schedule.intervalMs !== undefined ? slot : firedAt.toISOString();
      const after = new Date(Math.max(firedAt.getTime(), (this.#armedFor.get(id) ?? 0) + 1));
      const next = () => nextRunAt({ ...schedule, lastRunAt }, after).toISOString();
      // the schedule points at the run once its record exists (the runner calls this before any stage runs)
      const point = async () => {
        if (pointed) return;
        pointed = true;
        await this.#patch(id, { lastRunAt, lastRunId: runId, nextRunAt: next() });
      };
      try {
        const claim = this.#options.store.claimScheduleSlot;
        if (slot !== undefined && claim && !(await claim.call(this.#options.store, id, slot, this.#owner))) {
          this.#emit({ type: 'schedule.skipped', scheduleId: id, reason: 'claimed', slot });
          return;
        }
        if (controller.signal.aborted) return;
        active.started = true;
        this.#emit({ type: 'schedule.fired', scheduleId: id, runId, trigger, ...(slot !== undefined ? { slot } : {}) });
        const outcome = await this.#options.runner.run(schedule, { runId, signal: controller.signal, trigger, onRecorded: point });
        await point();
        this.#emit({ type: 'run.finished', scheduleId: id, runId, status: outcome.status });
      } catch (error) {
        this.#emit({ type: 'scheduler.error', scheduleId: id, message: (error as Error).message });
        if (!active.started) return;
        // a run that failed before it was recorded (an invalid pipeline file): the firing counts, no run to point at
        if (!pointed) await this.#patch(id, { lastRunAt, nextRunAt: next() }).catch(() => undefined);
        this.#emit({ type: 'run.finished', scheduleId: id, runId, status: controller.signal.aborted ? 'cancelled' : 'failed' });
      } finally {
        this.#runs.delete(runId);
      }
    })();
    this.#runs.set(runId, Object.assign(active, { done }));
  }

  #emit(event: SchedulerEvent): void {
    try {
      this.#options.onEvent?.(event);
    } catch {
      // a listener's fault must not stop the scheduler
    }
  }
}

function timingKey(record: ScheduleRecord): string {
  return `${record.cron ?? ''}|${record.intervalMs ?? ''}|${record.timezone ?? ''}|${record.paused}`;
}

/** The embedded scheduler (bree in this process). See `Scheduler` in src/schedule/types.ts. */
export function createLocalScheduler(options: SchedulerOptions): Scheduler {
  return new BreeScheduler(options);
}
