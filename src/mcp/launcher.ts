import { SwitchyardError } from '../errors.js';
import type { EventSink } from '../events/types.js';
import type { PipelineResult } from '../pipeline/result.js';

/** What a run started from a tool is handed: the signal that cancels it and the sinks to add. */
export interface LaunchOptions {
  readonly signal: AbortSignal;
  readonly sinks: readonly EventSink[];
}

/** `run_pipeline`, `approve_run`, `reject_run` without `wait`: the run is recorded and goes on in the background. */
export interface StartedRun {
  readonly runId: string;
  readonly status: 'running';
}

/**
 * Starts runs for the tools and keeps the ones still going: a run started without `wait` answers as soon as it is
 * recorded in the run store (its `run.started` event), then carries on in this process. `close()` cancels every run
 * still going (each is recorded `cancelled`, so `resume` continues it later) and waits for them to settle.
 */
export class RunLauncher {
  readonly #closing = new AbortController();
  readonly #inFlight = new Set<Promise<unknown>>();
  readonly #log: (line: string) => void;

  constructor(log: (line: string) => void = () => {}) {
    this.#log = log;
  }

  /** The run's result (`wait`), or `{ runId, status: 'running' }` once it is recorded; errors before that are thrown. */
  launch(go: (options: LaunchOptions) => Promise<PipelineResult>, wait: boolean, requestSignal?: AbortSignal): Promise<PipelineResult | StartedRun> {
    if (this.#closing.signal.aborted) return Promise.reject(new SwitchyardError('CONFLICT', 'the MCP server is shutting down; no new runs start'));
    // A waited-for run is cancelled with its request too; a background run only when the server closes.
    const signal = wait && requestSignal ? AbortSignal.any([this.#closing.signal, requestSignal]) : this.#closing.signal;
    let started!: (runId: string) => void;
    let isStarted = false;
    const recorded = new Promise<string>((resolve) => (started = resolve));
    const sink: EventSink = {
      handle: (event) => {
        if (event.type !== 'run.started') return;
        isStarted = true;
        started(event.runId);
      },
    };
    const running = go({ signal, sinks: [sink] });
    // Only a background run that got going is reported here; anything earlier is the tool's own error.
    this.#track(running, !wait && (() => isStarted));
    if (wait) return running;
    return Promise.race([recorded.then((runId): StartedRun => ({ runId, status: 'running' })), running]);
  }

  /** Cancels the runs still going and waits for them to be recorded. */
  async close(): Promise<void> {
    if (this.#inFlight.size > 0) this.#log(`cancelling ${this.#inFlight.size} run(s) still going`);
    this.#closing.abort(new SwitchyardError('CANCELLED', 'the MCP server stopped'));
    await Promise.allSettled([...this.#inFlight]);
  }

  #track(running: Promise<PipelineResult>, background: false | (() => boolean)): void {
    const settled = running.then(
      (result) => {
        if (background) this.#log(`run ${result.runId} (${result.pipeline}): ${result.status}`);
      },
      (error: unknown) => {
        if (background && background()) this.#log(`a background run failed: ${error instanceof Error ? error.message : String(error)}`);
      },
    );
    this.#inFlight.add(settled);
    void settled.finally(() => this.#inFlight.delete(settled));
  }
}
