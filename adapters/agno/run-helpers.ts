import { toSwitchyardError } from 'switchyard/adapter-kit';
import type { ErrorCode, SwitchyardError } from 'switchyard/adapter-kit';
import type { AgentEvent, RunError, RunOutput, RunStatus, Usage } from './types.js';

// The abort helpers are shared with the hub and the other adapters (one withTimeout, one raceAbort, whose
// one-listener-per-signal fan-out keeps a function-agent run in microseconds); agno's modules import them from here.
export { NEVER_ABORTED, abortError, raceAbort, sleep, throwIfAborted, withTimeout } from 'switchyard/adapter-kit';

export function statusOf(error: SwitchyardError): RunStatus {
  return error.code === 'CANCELLED' || error.code === 'TIMEOUT' ? 'cancelled' : 'failed';
}

export function runError(error: unknown, fallback: ErrorCode = 'ENGINE_ERROR'): { status: RunStatus; error: RunError; cause: SwitchyardError } {
  const normalised = toSwitchyardError(error, fallback);
  return { status: statusOf(normalised), error: { code: normalised.code, message: normalised.message }, cause: normalised };
}

export function addUsage(total: Usage | undefined, more: Usage | undefined): Usage | undefined {
  if (!more) return total;
  if (!total) return { ...more };
  return {
    promptTokens: total.promptTokens + more.promptTokens,
    completionTokens: total.completionTokens + more.completionTokens,
    totalTokens: total.totalTokens + more.totalTokens,
  };
}

/** Text for a model: strings as they are, everything else as JSON. */
export function toText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined) return '';
  try {
    return JSON.stringify(value, null, 2) ?? String(value);
  } catch {
    return String(value);
  }
}

export type EventListener = (event: AgentEvent) => void;

/**
 * Turns a run driven by callbacks into an async iterable of its events.
 * Leaving the loop early (break, return, throw) aborts the run through the signal handed to `start`.
 */
export async function* eventStream(start: (emit: EventListener, signal: AbortSignal) => Promise<RunOutput>, outer?: AbortSignal): AsyncGenerator<AgentEvent> {
  const controller = new AbortController();
  const signal = outer ? AbortSignal.any([outer, controller.signal]) : controller.signal;
  const queue: AgentEvent[] = [];
  let wake: (() => void) | undefined;
  let done = false;
  let failure: unknown;
  const emit: EventListener = (event) => {
    queue.push(event);
    wake?.();
  };
  start(emit, signal).then(
    () => {
      done = true;
      wake?.();
    },
    (error: unknown) => {
      failure = error;
      done = true;
      wake?.();
    },
  );
  try {
    while (true) {
      if (queue.length > 0) {
        yield queue.shift()!;
        continue;
      }
      if (done) break;
      await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
    }
  } finally {
    if (!done) controller.abort(new DOMException('the stream was closed', 'AbortError'));
  }
  if (failure !== undefined) throw failure;
}
