import type { SerializedError } from '../adapter.js';

/** What an adapter emits while a stage runs (graph node started, documents indexed, tool called...). */
export interface EngineEvent {
  /** Short dotted name, e.g. `node.started`, `ingest.progress`, `tool.completed`. */
  readonly kind: string;
  readonly message?: string;
  /** Progress of long work, for the progress display. */
  readonly progress?: { readonly done: number; readonly total: number; readonly unit?: string };
  readonly data?: Readonly<Record<string, unknown>>;
}

export type RunStatus = 'running' | 'completed' | 'failed' | 'partial' | 'cancelled' | 'waiting' | 'interrupted';
export type StageStatus = 'pending' | 'running' | 'completed' | 'failed' | 'skipped' | 'cancelled' | 'waiting';

interface EventBase {
  readonly runId: string;
  /** Milliseconds since the epoch. */
  readonly at: number;
  /** Increasing per run; lets a store and a reader agree on order. */
  readonly seq: number;
}

export type RunEvent =
  | (EventBase & { readonly type: 'run.started'; readonly pipeline: string; readonly goal?: string; readonly resumed: boolean })
  | (EventBase & { readonly type: 'stage.started'; readonly stageId: string; readonly engine: string; readonly attempt: number })
  | (EventBase & { readonly type: 'stage.retry'; readonly stageId: string; readonly engine: string; readonly attempt: number; readonly delayMs: number; readonly error: SerializedError })
  | (EventBase & { readonly type: 'stage.completed'; readonly stageId: string; readonly engine: string; readonly attempt: number; readonly durationMs: number })
  | (EventBase & { readonly type: 'stage.failed'; readonly stageId: string; readonly engine: string; readonly attempt: number; readonly durationMs: number; readonly error: SerializedError })
  | (EventBase & { readonly type: 'stage.skipped'; readonly stageId: string; readonly reason: string })
  | (EventBase & {
      readonly type: 'stage.waiting';
      readonly stageId: string;
      readonly engine: string;
      readonly approval: PendingApprovalInfo;
      /** Set when the stage waits on several approvals at once (parallel approval nodes): each one; `approval` is the first. */
      readonly approvals?: readonly PendingApprovalInfo[];
    })
  | (EventBase & { readonly type: 'stage.engine'; readonly stageId: string; readonly engine: string; readonly event: EngineEvent })
  | (EventBase & { readonly type: 'stage.decision'; readonly stageId: string; readonly engine: string; readonly reasons: readonly string[] })
  | (EventBase & {
      /** A waiting stage got its decision: it runs again with it (a rejection then ends the run `failed`, code REJECTED). */
      readonly type: 'stage.decided';
      readonly stageId: string;
      readonly engine: string;
      readonly approved: boolean;
      readonly by?: string;
      readonly reason?: string;
      readonly data?: Readonly<Record<string, unknown>>;
    })
  | (EventBase & {
      readonly type: 'run.finished';
      readonly status: RunStatus;
      readonly durationMs: number;
      readonly error?: SerializedError;
      /** The run's output (the last completed stage's), as in the result. */
      readonly output?: unknown;
    });

export type RunEventType = RunEvent['type'];

/** What an approver needs to see; stored with the run while it waits. */
export interface PendingApprovalInfo {
  /** The node or step asking for approval. */
  readonly point: string;
  /**
   * Set when the stage waits on several approvals at once (parallel approval nodes): what tells them apart, such as
   * the LangGraph interrupt id. Each is decided on its own (`hub.approve(runId, { stageId, approvalId })`).
   */
  readonly approvalId?: string;
  readonly message: string;
  /** The state or summary the approver decides on. */
  readonly payload?: unknown;
}

/** A place events go: a progress display, a JSONL file, OpenTelemetry, the run store. */
export interface EventSink {
  handle(event: RunEvent): void | Promise<void>;
  close?(): void | Promise<void>;
}
