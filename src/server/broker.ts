import type { EventSink, RunEvent } from '../events/types.js';

/**
 * The live side of run events in this process: a sink of the server's hub, so every run the hub executes (API runs,
 * approvals, resumes, scheduled firings) passes its events here as they happen. Each run keeps a log of the events of
 * its executions in this process while it runs and for a while after, so a reader that subscribes can replay what the
 * store may not hold yet (the hub writes events in batches) and then follow live without a gap.
 */

/** Most events a run's log keeps; older ones are in the store by then (the hub writes at least every 128 events). */
const LOG_LIMIT = 10_000;

type Listener = (event: RunEvent) => void;

interface LiveRun {
  readonly log: RunEvent[];
  readonly listeners: Set<Listener>;
  active: boolean;
  expiry: NodeJS.Timeout | undefined;
}

export interface Subscription {
  /** The events of this process's executions of the run so far (a copy), oldest first. */
  readonly log: readonly RunEvent[];
  /** True while an execution of the run is going on in this process. */
  readonly active: boolean;
  unsubscribe(): void;
}

export class EventBroker implements EventSink {
  readonly #runs = new Map<string, LiveRun>();
  /** How long a finished run's log is kept (ms). */
  readonly #retainMs: number;

  constructor(options: { retainMs?: number } = {}) {
    this.#retainMs = options.retainMs ?? 60_000;
  }

  handle(event: RunEvent): void {
    const run = this.#run(event.runId);
    if (event.type === 'run.started') {
      run.active = true;
      if (run.expiry) clearTimeout(run.expiry);
      run.expiry = undefined;
    }
    run.log.push(event);
    if (run.log.length > LOG_LIMIT) run.log.splice(0, run.log.length - LOG_LIMIT);
    for (const listener of [...run.listeners]) {
      try {
        listener(event);
      } catch {
        // one reader's failure is its own
      }
    }
    if (event.type === 'run.finished') {
      run.active = false;
      this.#expire(event.runId, run);
    }
  }

  /** Follows a run: `listener` gets each event from now on; `log` is what came before in this process. */
  subscribe(runId: string, listener: Listener): Subscription {
    const run = this.#run(runId);
    run.listeners.add(listener);
    if (run.expiry) clearTimeout(run.expiry);
    run.expiry = undefined;
    return {
      log: [...run.log],
      active: run.active,
      unsubscribe: () => {
        run.listeners.delete(listener);
        if (!run.active) this.#expire(runId, run);
      },
    };
  }

  /** True while the run executes in this process. */
  isActive(runId: string): boolean {
    return this.#runs.get(runId)?.active === true;
  }

  /** Resolves with the next event of the run that `test` accepts. */
  next(runId: string, test: (event: RunEvent) => boolean): { promise: Promise<RunEvent>; cancel: () => void } {
    let cancel = () => {};
    const promise = new Promise<RunEvent>((resolve) => {
      const subscription = this.subscribe(runId, (event) => {
        if (!test(event)) return;
        subscription.unsubscribe();
        resolve(event);
      });
      cancel = () => subscription.unsubscribe();
    });
    return { promise, cancel };
  }

  #run(runId: string): LiveRun {
    let run = this.#runs.get(runId);
    if (!run) {
      run = { log: [], listeners: new Set(), active: false, expiry: undefined };
      this.#runs.set(runId, run);
    }
    return run;
  }

  /** Forgets a finished run nobody follows once `retainMs` has passed. */
  #expire(runId: string, run: LiveRun): void {
    if (run.active || run.listeners.size > 0 || run.expiry) return;
    run.expiry = setTimeout(() => {
      if (!run.active && run.listeners.size === 0 && this.#runs.get(runId) === run) this.#runs.delete(runId);
    }, this.#retainMs);
    run.expiry.unref();
  }

  /** Drops every log and timer (the server is closing). */
  clear(): void {
    for (const run of this.#runs.values()) if (run.expiry) clearTimeout(run.expiry);
    this.#runs.clear();
  }
}
