/**
 * The worker seam: what a queue of claimable work offers a `Worker`. The Prefect adapter implements it over a
 * work pool (`prefectWorkSource` in `switchyard/prefect`); any other queue can too. The worker owns the loop
 * (slots, polling, heartbeats, cancellation, stop); the source owns the protocol of its queue.
 */

/** One piece of claimable work, as a source lists it. Sources may add their own fields (the Prefect flow run). */
export interface WorkItem {
  /** Unique in the source; claims, events and `Worker.executed` use it. */
  readonly id: string;
  /** Short name for people (a flow run's name). */
  readonly name: string;
  /** How messages name it, e.g. `flow run nightly-otter`. */
  readonly label: string;
  /** What the work carries; for a deployed pipeline `{ pipeline, input?, baseDir? }`. */
  readonly parameters: Record<string, unknown>;
  /** The switchyard run id a pipeline run for this item gets (so `switchyard runs` shows it); default `work-<id>`. */
  readonly runId?: string;
  /** When it started running (ISO), for items `listRunning` returns: a lease check gives a fresh start time to take its lease. */
  readonly startedAt?: string;
}

/** Who is asking: the source may show it (Prefect lists heartbeating workers on the pool) or mark claims with it. */
export interface WorkerInfo {
  readonly name: string;
  readonly heartbeatIntervalMs: number;
}

/** The answer to a claim or a start: a lost race or a refusal is a value, not an error. */
export type ClaimOutcome = { readonly ok: true } | { readonly ok: false; readonly reason: string };

export type FinalState = 'COMPLETED' | 'FAILED' | 'CANCELLED';

/** How a piece of work ended, as the worker reports it. */
export interface WorkResult {
  readonly state: FinalState;
  readonly message: string;
  /** The executor's output (COMPLETED only); the source decides what it can store. */
  readonly data?: unknown;
}

export type WorkLogLevel = 'info' | 'warning' | 'error';

export interface WorkLogLine {
  readonly level: WorkLogLevel;
  readonly message: string;
  /** ISO timestamp. */
  readonly timestamp: string;
}

/**
 * A queue of claimable work. Every method but `claim` and `start` may fail without harm: the worker reports
 * the error and carries on. Two workers must never both win `claim` for one item.
 */
export interface WorkSource<Item extends WorkItem = WorkItem> {
  /** Names the queue in messages (a work pool's name). */
  readonly name: string;
  /** Called once when a worker starts; throws (e.g. `NOT_FOUND`) when the queue does not exist. */
  open?(worker: WorkerInfo): Promise<void>;
  /** Says the worker is alive; called at start and every `heartbeatIntervalMs`. */
  heartbeat?(worker: WorkerInfo): Promise<void>;
  /** Candidates that are due (or nearly), at most `limit`, oldest first. Listing claims nothing. */
  poll(limit: number): Promise<readonly Item[]>;
  /** Claims one item atomically: `ok` for exactly one worker. Throws only when the answer is unknown. */
  claim(item: Item, worker: WorkerInfo): Promise<ClaimOutcome>;
  /** Moves a claimed item to running; may wait (until its scheduled time). `signal` aborts the wait. */
  start(item: Item, worker: WorkerInfo, signal: AbortSignal): Promise<ClaimOutcome>;
  /** Gives back a claimed item that did not start, so another worker can take it. */
  release(item: Item, worker: WorkerInfo): Promise<void>;
  /** Why the item was cancelled at the source, or undefined while it was not; checked every `cancelCheckMs` while it runs. */
  checkCancelled(item: Item): Promise<string | undefined>;
  /** Stores the lines the worker and the executor wrote for the item (once, before `finish`). */
  writeLogs(item: Item, lines: readonly WorkLogLine[]): Promise<void>;
  /** Reports the final state. */
  finish(item: Item, result: WorkResult): Promise<void>;
  /** Items running at the source on any worker (for the lease check: ones whose worker died). */
  listRunning?(): Promise<readonly Item[]>;
  /**
   * Marks an item whose worker died as crashed and, when its policy allows, schedules it again. Returns what was
   * done, or undefined when another worker got there first.
   */
  crash?(item: Item, worker: WorkerInfo, reason: string): Promise<string | undefined>;
}

/** Says why an item running on some worker has lost its lease (its worker is gone), or undefined while it is held. */
export type LeaseCheck<Item extends WorkItem = WorkItem> = (item: Item) => Promise<string | undefined>;

/** What the worker hands the code that runs a claimed item. */
export interface WorkJob<Item extends WorkItem = WorkItem> {
  readonly item: Item;
  /** The item's parameters. */
  readonly parameters: Record<string, unknown>;
  /** Aborted when the item is cancelled at the source or the worker is stopped with `abort`. */
  readonly signal: AbortSignal;
  /** Lines end up in the item's logs at the source (a flow run's logs in Prefect). */
  log(message: string, level?: WorkLogLevel): void;
}

export interface WorkOutcome {
  readonly ok: boolean;
  /** Reported with COMPLETED (Prefect stores it as the state's data, JSON up to 256 KB). */
  readonly output?: unknown;
  /** Why it failed; becomes the FAILED state's message. */
  readonly message?: string;
}

/** Runs one claimed item; `pipelineExecutor()` runs the pipeline it carries with HybridOrchestrator. */
export type WorkExecutor<Item extends WorkItem = WorkItem> = (job: WorkJob<Item>) => Promise<WorkOutcome>;

/** What a worker says it does (`onEvent`). `flowRunId` is the item's id (a flow run id for Prefect). */
export type WorkerEvent =
  | { readonly type: 'polled'; readonly found: number }
  | { readonly type: 'claimed'; readonly flowRunId: string; readonly name: string }
  | { readonly type: 'claim-lost'; readonly flowRunId: string; readonly reason: string }
  | { readonly type: 'crashed'; readonly flowRunId: string; readonly name: string; readonly reason: string; readonly action: string }
  | { readonly type: 'finished'; readonly flowRunId: string; readonly name: string; readonly state: FinalState; readonly message?: string }
  | { readonly type: 'error'; readonly message: string };
