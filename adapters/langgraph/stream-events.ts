import type { StageContext } from 'switchyard/adapter-kit';

/** What the runner learns from the stream: the latest state and any interrupt. */
export interface StreamProgress {
  values: unknown;
  interrupted: boolean;
  /** The first interrupt's value. */
  interrupt: unknown;
  interruptedNode: string | undefined;
  /** Every interrupt of the step (parallel nodes each interrupt), by LangGraph's interrupt id; filled when given. */
  interrupts?: { readonly id?: string; readonly value: unknown }[];
}

interface TaskChunk {
  readonly id: string;
  readonly name: string;
  readonly input?: unknown;
  readonly error?: unknown;
  readonly interrupts?: readonly { value?: unknown }[];
}

/**
 * Reads one `[mode, payload]` chunk of LangGraph's stream. `values` carries the state after each step, or the
 * `__interrupt__` list when a node interrupted. `tasks` (requested for graphs from code only; spec graph nodes
 * report themselves) becomes node.started / node.completed / node.failed / node.interrupted.
 */
export function readChunk(chunk: unknown, progress: StreamProgress, context: StageContext): void {
  if (!Array.isArray(chunk) || chunk.length !== 2) return;
  const [mode, payload] = chunk as [string, unknown];
  if (mode === 'values') {
    const interrupts = (payload as { __interrupt__?: readonly { id?: string; value?: unknown }[] } | null)?.__interrupt__;
    if (interrupts === undefined) progress.values = payload;
    else {
      if (interrupts.length > 0 && !progress.interrupted) {
        progress.interrupted = true;
        progress.interrupt = interrupts[0]!.value;
      }
      // parallel nodes that interrupt in one step come as one chunk each
      for (const interrupt of interrupts) {
        if (!progress.interrupts?.some((seen) => seen.id !== undefined && seen.id === interrupt.id)) progress.interrupts?.push({ ...(interrupt.id === undefined ? {} : { id: interrupt.id }), value: interrupt.value });
      }
    }
  } else if (mode === 'tasks') {
    const task = payload as TaskChunk;
    const data = { node: task.name, taskId: task.id };
    if ('input' in task) {
      context.emit({ kind: 'node.started', message: task.name, data });
    } else if (task.interrupts && task.interrupts.length > 0) {
      progress.interruptedNode ??= task.name;
      context.emit({ kind: 'node.interrupted', message: task.name, data });
    } else if (task.error) {
      const message = (task.error as { message?: string }).message ?? String(task.error);
      context.emit({ kind: 'node.failed', message: `${task.name}: ${message}`, data: { ...data, error: message } });
    } else {
      context.emit({ kind: 'node.completed', message: task.name, data });
    }
  }
}
