import { NEVER_ABORTED, abortError } from 'switchyard/adapter-kit';
import { toSwitchyardError } from 'switchyard/adapter-kit';
import type { ErrorCode, SwitchyardError } from 'switchyard/adapter-kit';
import type { AgentEvent, RunError, RunOutput, RunStatus, Usage } from './types.js';

// The abort helpers are shared with the hub and the other adapters; agno's modules import them from here.
export { NEVER_ABORTED, abortError, sleep, throwIfAborted, withTimeout } from 'switchyard/adapter-kit';

const waiters = new WeakMap<AbortSignal, Set<() => void>>();

/**
 * Calls `fn` when `signal` fires; returns the unsubscribe. One real listener per signal fans out to a Set:
 * EventTarget add/remove costs microseconds per call in Node, more than a whole function-agent run.
 */
export function onAbort(signal: AbortSignal, fn: () => void): () => void {
  let set = waiters.get(signal);
  if (!set) {
    const fresh = new Set<() => void>();
    set = fresh;
    waiters.set(signal, fresh);
    signal.addEventListener(
      'abort',
      () => {
        for (const waiter of [...fresh]) waiter();
        fresh.clear();
      },
      { once: true },
    );
  }
  const mine = set;
  mine.add(fn);
  return () => mine.delete(fn);
}

/** Settles with `promise`, or rejects as soon as `signal` fires (the work itself may keep running if it ignores the signal). */
export function raceAbort<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal || signal === NEVER_ABORTED) return promise;
  if (signal.aborted) return Promise.reject(abortError(signal));
  return new Promise<T>((resolve, reject) => {
    const off = onAbort(signal, () => reject(abortError(signal)));
    promise.then(
      (value) => {
        off();
        resolve(value);
      },
      (error: unknown) => {
        off();
        reject(error);
      },
    );
  });
}

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
