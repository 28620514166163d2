import type { BaseCheckpointSaver } from '@langchain/langgraph-checkpoint';
import { waitForApproval } from 'switchyard/adapter-kit';
import type { StageContext, WaitingForApproval } from 'switchyard/adapter-kit';
import { SwitchyardError, toSwitchyardError } from 'switchyard/adapter-kit';
import { toPendingApproval } from './approval.js';
import { STATE_KEY } from './graph-builder.js';
import type { RunContext, RunnableGraph } from './graph-builder.js';
import { readChunk } from './stream-events.js';
import type { StreamProgress } from './stream-events.js';

type LangGraph = typeof import('@langchain/langgraph');

export interface RunGraphOptions {
  /** `spec` graphs keep the user's state under one channel; `code` graphs use their own state shape. */
  readonly kind: 'spec' | 'code';
  readonly initial: Record<string, unknown>;
  readonly threadId: string;
  readonly recursionLimit: number | undefined;
  readonly signal: AbortSignal;
  readonly context: StageContext;
  readonly approvalMessage: string;
  /** Checkpointer kind, for the graph.started event. */
  readonly checkpointer: string;
  /** The saver the graph writes to. */
  readonly saver: Pick<BaseCheckpointSaver, 'getTuple'>;
}

/** `values` is what `invoke` itself streams; graphs from code add `tasks` for node events. */
const STREAM_MODES = { spec: ['values'], code: ['values', 'tasks'] } as const;

/**
 * Runs a compiled graph on its thread. Looks at the thread's last checkpoint first:
 * a pending interrupt is resumed with the human's decision (or reported as still waiting),
 * an unfinished run continues from its checkpoint, a finished one returns its state, and a new thread starts.
 */
export async function runGraph(lg: LangGraph, graph: RunnableGraph, options: RunGraphOptions): Promise<unknown> {
  const { context, threadId, signal } = options;
  const thread = { configurable: { thread_id: threadId } };
  const output = (values: unknown): unknown => (options.kind === 'spec' ? ((values as Record<string, unknown> | undefined)?.[STATE_KEY] ?? {}) : values);
  // A new thread (the common case) costs one read; only an existing one needs LangGraph's full snapshot.
  const snapshot = await options.saver
    .getTuple(thread)
    .then((existing) => (existing ? graph.getState(thread) : { values: undefined, next: [], tasks: [], config: undefined }))
    .catch((error: unknown) => {
      throw stageError(error, signal);
    });
  const hasCheckpoint = snapshot.config?.configurable?.checkpoint_id !== undefined;
  const waiting = snapshot.tasks.find((task) => task.interrupts.length > 0);

  let input: unknown = options.initial;
  if (waiting && !context.approval) {
    return stillWaiting(waiting, output(snapshot.values), options);
  } else if (waiting && context.approval) {
    input = new lg.Command({ resume: context.approval });
    context.emit({ kind: 'graph.resumed', message: `resuming ${waiting.name} with the decision (${context.approval.approved ? 'approved' : 'rejected'})`, data: { threadId, node: waiting.name, approved: context.approval.approved } });
  } else if (hasCheckpoint && snapshot.next.length > 0) {
    input = null;
    context.emit({ kind: 'graph.resumed', message: `continuing from the last checkpoint at ${snapshot.next.join(', ')}`, data: { threadId, next: [...snapshot.next] } });
  } else if (hasCheckpoint) {
    context.emit({ kind: 'graph.completed', message: 'the thread had already finished; returning its final state', data: { threadId, fromCheckpoint: true } });
    return output(snapshot.values);
  } else {
    context.emit({ kind: 'graph.started', message: `thread ${threadId}`, data: { threadId, checkpointer: options.checkpointer } });
  }

  const progress: StreamProgress = { values: undefined, interrupted: false, interrupt: undefined, interruptedNode: undefined };
  try {
    const runContext: RunContext = { stage: context };
    const stream = await graph.stream(input, {
      ...thread,
      streamMode: [...STREAM_MODES[options.kind]],
      signal,
      context: runContext,
      ...(options.recursionLimit === undefined ? {} : { recursionLimit: options.recursionLimit }),
    });
    for await (const chunk of stream) readChunk(chunk, progress, context);
  } catch (error) {
    throw stageError(error, signal);
  }

  if (progress.interrupted) {
    const approval = toPendingApproval(progress.interrupt, progress.interruptedNode, options.approvalMessage);
    context.emit({ kind: 'approval.requested', message: approval.message, data: { point: approval.point, threadId } });
    return waitForApproval(approval, output(progress.values));
  }
  const values = progress.values ?? (await graph.getState(thread)).values;
  context.emit({ kind: 'graph.completed', data: { threadId } });
  return output(values);
}

function stillWaiting(task: { name: string; interrupts: readonly { value?: unknown }[] }, partial: unknown, options: RunGraphOptions): WaitingForApproval {
  const approval = toPendingApproval(task.interrupts[0]?.value, task.name, options.approvalMessage);
  options.context.emit({ kind: 'approval.requested', message: approval.message, data: { point: approval.point, threadId: options.threadId, again: true } });
  return waitForApproval(approval, partial);
}

/** Cancellation and timeouts as CANCELLED/TIMEOUT, LangGraph's own failures with their message, handler errors as they were. */
export function stageError(error: unknown, signal: AbortSignal): SwitchyardError {
  if (signal.aborted) {
    const reason = signal.reason as { name?: string; message?: string } | undefined;
    const timedOut = reason?.name === 'TimeoutError';
    return new SwitchyardError(timedOut ? 'TIMEOUT' : 'CANCELLED', `langgraph stage ${timedOut ? 'timed out' : 'cancelled'}${reason?.message ? `: ${reason.message}` : ''}`, { cause: error });
  }
  const name = (error as { name?: string } | null)?.name;
  if (name === 'NodeTimeoutError') return new SwitchyardError('TIMEOUT', (error as Error).message, { cause: error });
  if (name === 'GraphRecursionError') return new SwitchyardError('STAGE_FAILED', `${(error as Error).message.split('.')[0]} (raise the task's recursionLimit if the graph loops on purpose)`, { cause: error });
  return toSwitchyardError(error, 'STAGE_FAILED');
}
