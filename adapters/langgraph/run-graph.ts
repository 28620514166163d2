import type { BaseCheckpointSaver } from '@langchain/langgraph-checkpoint';
import { waitForApproval, waitForApprovals } from 'switchyard/adapter-kit';
import type { ApprovalDecision, PendingApprovalInfo, StageContext, WaitingForApproval } from 'switchyard/adapter-kit';
import { SwitchyardError, toSwitchyardError } from 'switchyard/adapter-kit';
import { approvalEntry, toPendingApproval } from './approval.js';
import type { JointDecision } from './approval.js';
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
  const several = pendingInterrupts(snapshot.tasks);

  let input: unknown = options.initial;
  if (several.length > 1) {
    // parallel nodes interrupted in one step: each is resumed with its own decision, by interrupt id
    const resume = resumeValues(several, options);
    if (!resume) return waitOnSeveral(several, output(snapshot.values), options, true);
    input = new lg.Command({ resume: resume.values });
    const approved = resume.decided.filter((d) => d.approved).map((d) => d.point);
    context.emit({
      kind: 'graph.resumed',
      message: `resuming ${resume.decided.map((d) => d.node).join(', ')} with ${resume.decided.length} decisions (${approved.length} approved, ${resume.decided.length - approved.length} rejected)`,
      data: { threadId, nodes: resume.decided.map((d) => d.node), approved },
    });
  } else if (waiting && !context.approval) {
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

  const progress: StreamProgress = { values: undefined, interrupted: false, interrupt: undefined, interruptedNode: undefined, interrupts: [] };
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

  if (progress.interrupted && (progress.interrupts?.length ?? 0) > 1) {
    // which node each interrupt came from: the thread's state after the step knows
    const interrupted = await graph.getState(thread).then(
      (state) => pendingInterrupts(state.tasks),
      (error: unknown) => {
        throw stageError(error, signal);
      },
    );
    const all = interrupted.length > 1 ? interrupted : progress.interrupts!.map((i) => ({ node: undefined, ...i }));
    return waitOnSeveral(all, output(progress.values), options, false);
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

interface PendingInterrupt {
  readonly node: string | undefined;
  readonly id?: string;
  readonly value?: unknown;
}

/** Every interrupt the thread waits on, with the node it came from. */
function pendingInterrupts(tasks: readonly { name: string; interrupts: readonly { id?: string; value?: unknown }[] }[]): PendingInterrupt[] {
  return tasks.flatMap((task) => task.interrupts.map((interrupt) => ({ node: task.name, ...interrupt })));
}

function approvalsOf(interrupts: readonly PendingInterrupt[], options: RunGraphOptions): PendingApprovalInfo[] {
  return interrupts.map((interrupt, index) => {
    const { point, message, ...rest } = toPendingApproval(interrupt.value, interrupt.node, options.approvalMessage);
    return { point, approvalId: interrupt.id ?? `${point}#${index}`, message, ...rest };
  });
}

/** The stage waits on several approvals at once, one per interrupt, each with the interrupt id as its approval id. */
function waitOnSeveral(interrupts: readonly PendingInterrupt[], partial: unknown, options: RunGraphOptions, again: boolean): WaitingForApproval {
  const approvals = approvalsOf(interrupts, options);
  for (const approval of approvals) {
    options.context.emit({ kind: 'approval.requested', message: approval.message, data: { point: approval.point, approvalId: approval.approvalId, threadId: options.threadId, ...(again ? { again: true } : {}) } });
  }
  return waitForApprovals(approvals, partial);
}

/**
 * The resume map for several interrupts: interrupt id -> decision (`context.approvals`, by approval id; a lone
 * `context.approval` decides every one). Spec graph nodes get every decision of the step with their own
 * (`JointDecision`), so the state keeps them all. Undefined while one is still undecided.
 */
function resumeValues(interrupts: readonly PendingInterrupt[], options: RunGraphOptions): { values: Record<string, unknown>; decided: { node: string; point: string; approved: boolean }[] } | undefined {
  const { context } = options;
  const approvals = approvalsOf(interrupts, options);
  const decisions: ApprovalDecision[] = [];
  for (const approval of approvals) {
    const decision = context.approvals?.[approval.approvalId!] ?? context.approval;
    if (!decision || interrupts[decisions.length]!.id === undefined) return undefined;
    decisions.push(decision);
  }
  const all = Object.fromEntries(approvals.map((approval, i) => [approval.point, approvalEntry(approval.point, decisions[i]!)]));
  const values = Object.fromEntries(
    interrupts.map((interrupt, i) => [interrupt.id!, options.kind === 'spec' ? ({ ...decisions[i]!, all } satisfies JointDecision) : decisions[i]!]),
  );
  return { values, decided: approvals.map((approval, i) => ({ node: interrupts[i]!.node ?? approval.point, point: approval.point, approved: decisions[i]!.approved })) };
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
