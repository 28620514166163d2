import type { Workflow, WorkflowContext, WorkflowEvent, WorkflowEventData, WorkflowKit } from './workflow-types.js';
import type { StageContext } from 'switchyard/adapter-kit';
import { raceAbort, withTimeout } from 'switchyard/adapter-kit';
import { SwitchyardError, invalidInput } from 'switchyard/adapter-kit';

/**
 * A user's own `@llamaindex/workflow` workflow, handed over in code (a 'workflow' resource or `task.workflow`).
 * The stage sends `start.with(input)` and finishes at the first `stop` event (its data is the stage output)
 * or fails at the first `error` event.
 */
export interface WorkflowDescriptor<I = unknown, O = unknown> {
  readonly workflow: Workflow;
  readonly start: WorkflowEvent<I>;
  readonly stop: WorkflowEvent<O>;
  readonly error?: WorkflowEvent<unknown>;
}

/** What user handlers find on their context (`context.switchyard`) besides the engine's own fields. */
export interface SwitchyardWorkflowExtras {
  readonly runId: string;
  readonly stageId: string;
  /** Forward a progress or other event to the pipeline's sinks. */
  emit: StageContext['emit'];
}

/** `context.signal` inside user handlers also aborts when the stage is cancelled or times out. */
export type SwitchyardWorkflowContext = WorkflowContext & { readonly switchyard: SwitchyardWorkflowExtras };

/** The `@llamaindex/workflow` module, handed to `defineWorkflow` builders so user code never imports the deprecated package (typed in workflow-types.ts). */
export type { WorkflowKit } from './workflow-types.js';

type Engine = typeof import('@llamaindex/workflow');
type EngineContext = import('@llamaindex/workflow').WorkflowContext;
/** Compile-time: what the engine hands user code fits the structural types it is declared with. */
type Fits<A extends B, B> = [A, B];
type _EngineFitsKit = [
  Fits<ReturnType<Engine['workflowEvent']>, WorkflowEvent<unknown>>,
  Fits<import('@llamaindex/workflow').WorkflowEventData<string>, WorkflowEventData<string>>,
  Fits<EngineContext, WorkflowContext>,
  Fits<Engine['eventSource'], WorkflowKit['eventSource']>,
];

/** The engine module as the kit builders receive (its `handle` and `or` take the engine's branded event types). */
async function loadKit(): Promise<WorkflowKit> {
  return (await import('@llamaindex/workflow')) as unknown as WorkflowKit;
}

const LAZY = 'switchyard.llamaindex.workflow';

/** A workflow built on demand, once per stage run, with the engine module the adapter loads lazily. */
export interface LazyWorkflow<I = unknown, O = unknown> {
  readonly kind: typeof LAZY;
  build(kit: WorkflowKit): WorkflowDescriptor<I, O>;
}

/**
 * Declares a user workflow without importing the engine: `build` receives `createWorkflow`, `workflowEvent` and the rest
 * of `@llamaindex/workflow`, and returns `{ workflow, start, stop, error? }`. It runs once per stage run, so state kept in
 * the builder's closure is fresh each time.
 */
export function defineWorkflow<I, O>(build: (kit: WorkflowKit) => WorkflowDescriptor<I, O>): LazyWorkflow<I, O> {
  return { kind: LAZY, build };
}

export function isWorkflowDescriptor(value: unknown): value is WorkflowDescriptor {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<WorkflowDescriptor>;
  return typeof v.workflow?.createContext === 'function' && typeof v.start?.with === 'function' && typeof v.stop?.include === 'function';
}

export function isLazyWorkflow(value: unknown): value is LazyWorkflow {
  return typeof value === 'object' && value !== null && (value as LazyWorkflow).kind === LAZY && typeof (value as LazyWorkflow).build === 'function';
}

const isWorkflowBinding = (value: unknown) => isLazyWorkflow(value) || isWorkflowDescriptor(value);

/** `task.workflow: expected a registered workflow; got "x" (known: a, b)`. */
export function unknownWorkflowError(path: string, name: string, resources: Pick<StageContext['resources'], 'names'>): SwitchyardError {
  const known = resources.names('workflow');
  return new SwitchyardError('INVALID_PIPELINE', `${path}: expected a registered workflow; got ${JSON.stringify(name)} (known: ${known.length ? known.join(', ') : 'none'})`, {
    path,
    expected: 'a registered workflow',
    got: name,
  });
}

/** Resolves `task.workflow` (a registered name or the object itself) to a runnable descriptor. */
export async function resolveWorkflow(binding: unknown, resources: StageContext['resources'], path = 'task.workflow'): Promise<WorkflowDescriptor> {
  let found: unknown = binding;
  if (typeof binding === 'string') {
    found = resources.get<unknown>('workflow', binding);
    if (!isWorkflowBinding(found)) throw unknownWorkflowError(path, binding, resources);
  }
  if (isLazyWorkflow(found)) {
    const built = found.build(await loadKit());
    if (!isWorkflowDescriptor(built)) throw invalidInput(path, 'the defineWorkflow builder to return { workflow, start, stop, error? }', built);
    return built;
  }
  if (isWorkflowDescriptor(found)) return found;
  throw invalidInput(path, 'a workflow from defineWorkflow(...) or a descriptor { workflow, start, stop, error? }', binding);
}

/**
 * Runs a user workflow as a stage with the stage's cancellation and an optional timeout.
 * Every event the workflow produces is forwarded as a `workflow.event` engine event.
 */
export async function runUserWorkflow(descriptor: WorkflowDescriptor, input: unknown, stage: StageContext, timeoutMs?: number): Promise<unknown> {
  const { extendContext, eventSource } = await import('@llamaindex/workflow');
  // The stage's signal, or with the deprecated task.timeoutMs a signal that also aborts (TIMEOUT) after it.
  const signal = withTimeout(stage.signal, timeoutMs, 'workflow (task.timeoutMs)') ?? stage.signal;
  signal.throwIfAborted();
  const context = descriptor.workflow.createContext();
  const extras: SwitchyardWorkflowExtras = { runId: stage.runId, stageId: stage.stageId, emit: (event) => stage.emit(event) };
  // (the engine's own context type: the public types are structural, see workflow-types.ts)
  extendContext(context as unknown as EngineContext, { switchyard: extras }, {
    signal: (_ctx, original) => {
      let combined: AbortSignal | undefined;
      return {
        configurable: true,
        enumerable: original.enumerable ?? true,
        get: () => (combined ??= AbortSignal.any([original.get!.call(_ctx) as AbortSignal, signal])),
      };
    },
  });
  const handlerFailed = guardHandlers(context);
  const iterator = context.stream[Symbol.asyncIterator]();
  stage.emit({ kind: 'workflow.started', message: 'user workflow started' });
  context.sendEvent(descriptor.start.with(input));
  let count = 0;
  try {
    for (;;) {
      const next = await raceAbort(Promise.race([iterator.next(), handlerFailed]), signal);
      if (next.done) throw new SwitchyardError('ENGINE_ERROR', 'the workflow ended without a stop event');
      const event = next.value;
      count++;
      const source = eventSource(event);
      const label = source?.debugLabel ?? source?.uniqueId ?? 'event';
      stage.emit({ kind: 'workflow.event', message: label, data: { event: label, n: count } });
      if (descriptor.error?.include(event)) {
        const data = event.data;
        throw new SwitchyardError('STAGE_FAILED', `workflow reported an error: ${data instanceof Error ? data.message : typeof data === 'string' ? data : JSON.stringify(data)}`, {
          ...(data instanceof Error ? { cause: data } : {}),
        });
      }
      if (descriptor.stop.include(event)) {
        stage.emit({ kind: 'workflow.completed', message: `user workflow completed after ${count} event(s)`, data: { events: count } });
        return event.data;
      }
    }
  } finally {
    void iterator.return?.();
  }
}

type HandlerRecord = { handler: (...args: unknown[]) => unknown };
type CallContext = { subscribe(callback: (handlerContext: HandlerRecord, next: (handlerContext: HandlerRecord) => void) => void): () => void };

/**
 * The engine leaves a handler that throws (or whose promise rejects) as an unhandled rejection, which would take
 * the whole process down. Every handler call of this run is wrapped through the engine's call-context hook so a
 * failure instead rejects the returned promise, failing only this stage. Without the hook (another engine version)
 * nothing is wrapped.
 */
function guardHandlers(context: WorkflowContext): Promise<never> {
  let fail: (error: unknown) => void = () => undefined;
  const failed = new Promise<never>((_, reject) => {
    fail = (error) => reject(new SwitchyardError('STAGE_FAILED', `a workflow handler failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error }));
  });
  failed.catch(() => undefined);
  const hook = (context as unknown as { __internal__call_context?: CallContext }).__internal__call_context;
  hook?.subscribe((handlerContext, next) => {
    const original = handlerContext.handler;
    const guarded = (...args: unknown[]) => {
      try {
        const result = original(...args);
        if (result && typeof (result as Promise<unknown>).then === 'function') {
          return (result as Promise<unknown>).then(undefined, (error: unknown) => {
            fail(error);
            return undefined;
          });
        }
        return result;
      } catch (error) {
        fail(error);
        return undefined;
      }
    };
    next(Object.assign(Object.create(handlerContext) as HandlerRecord, { handler: guarded }));
  });
  return failed;
}
