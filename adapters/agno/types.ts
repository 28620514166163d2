import type { AgentLike, StageContext, Usage } from 'switchyard/adapter-kit';

/** Token counts as the model reports them (summed over every model call of a run). */
export type { Usage };

/** One tool call the model asked for and what came of it. */
export interface ToolCallRecord {
  readonly id: string;
  readonly name: string;
  /** The parsed arguments, or the raw text when they were not valid JSON. */
  readonly arguments: unknown;
  readonly result?: unknown;
  /** Set when the tool failed (bad arguments, threw, timed out); the model saw this message. */
  readonly error?: string;
  readonly durationMs: number;
}

export interface RunError {
  readonly code: string;
  readonly message: string;
}

export type RunStatus = 'completed' | 'failed' | 'cancelled';

/** What `Agent.run`, `FunctionAgent.run` and `Team.run` return. Failures are values, not throws. */
export interface RunOutput {
  readonly agent: string;
  readonly status: RunStatus;
  /** The answer: the model's text, or whatever a function agent returned. */
  readonly content: unknown;
  /** Parsed, validated structured output when the agent has an output schema. */
  readonly structured?: unknown;
  readonly toolCalls: readonly ToolCallRecord[];
  readonly usage?: Usage;
  readonly error?: RunError;
  readonly durationMs: number;
  /** Team runs: each member's own output. */
  readonly members?: readonly RunOutput[];
}

export interface RunOptions {
  readonly signal?: AbortSignal;
  /** The stage context when the agent runs inside a pipeline (tools by name resolve from its resources). */
  readonly context?: StageContext;
  /** A task text that goes with the input (a stage's `task`). */
  readonly task?: string;
}

/** Events of one run, in order: `run.started`, then deltas and tool calls, then `run.completed` or `run.failed`. */
export type AgentEvent =
  | { readonly type: 'run.started'; readonly agent: string }
  | { readonly type: 'content.delta'; readonly agent: string; readonly delta: string }
  | { readonly type: 'tool.started'; readonly agent: string; readonly id: string; readonly name: string; readonly arguments: unknown }
  | { readonly type: 'tool.completed'; readonly agent: string; readonly call: ToolCallRecord }
  | { readonly type: 'run.completed'; readonly agent: string; readonly output: RunOutput }
  | { readonly type: 'run.failed'; readonly agent: string; readonly output: RunOutput };

/** Agent, FunctionAgent and Team all satisfy this: the core AgentLike plus the richer run output and a stream. */
export interface Runnable extends AgentLike {
  readonly role?: string | undefined;
  run(input: unknown, options?: RunOptions): Promise<RunOutput>;
  stream(input: unknown, options?: RunOptions): AsyncIterable<AgentEvent>;
}
