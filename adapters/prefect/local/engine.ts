import { SwitchyardError, toSwitchyardError, withRetry, withTimeout } from 'switchyard/adapter-kit';
import type { SerializedError, StageContext } from 'switchyard/adapter-kit';
import type { Handler } from 'switchyard/adapter-kit';
import type { RetryOption } from '../task-schema.js';
import type { CompiledDag } from './compile.js';
import { NodeMemo, type DagMemo } from './memo.js';

/** What a node handler receives: the stage input and its dependencies' outputs keyed by node id. */
export interface DagNodeInput {
  readonly input: unknown;
  readonly deps: Readonly<Record<string, unknown>>;
}

export interface DagResult {
  /** The output of the single sink node, or `{ [sinkId]: output }` when there are several. */
  readonly result: unknown;
  readonly outputs: Record<string, unknown>;
  /** Node ids in completion order. */
  readonly completed: string[];
  readonly stats: { readonly tasks: number; readonly edges: number; readonly retries: number; readonly durationMs: number; readonly reused: number };
}

/** Hooks for watching a run (the Prefect reporter uses them). Called synchronously; keep them cheap. */
export interface DagObserver {
  nodeStarted?(node: string, attempt: number): void;
  nodeCompleted?(node: string, output: unknown): void;
  nodeFailed?(node: string, error: SerializedError, willRetry: boolean): void;
  nodeSkipped?(node: string, reason: string): void;
}

export interface DagRunOptions {
  readonly input: unknown;
  readonly context: StageContext;
  /** Most async nodes in flight at once; default 16. Synchronous handlers finish inline. */
  readonly concurrency?: number;
  readonly retry?: RetryOption;
  readonly timeoutMs?: number;
  readonly onNodeFailure?: 'continue' | 'stop';
  readonly observer?: DagObserver;
  /** Emit `node.*` events per node; default: only for DAGs of up to 100 nodes (bigger ones emit `dag.progress`). */
  readonly nodeEvents?: boolean;
  /**
   * Keep completed nodes in the stage's memo and reuse the ones kept by an earlier attempt (`node.reused`, then a
   * `dag.reused` summary): a retry or a resume runs only the nodes that had not completed. The run settles after
   * the nodes' writes did.
   */
  readonly memo?: DagMemo;
}

const PENDING = 0;
const DONE = 2;
const FAILED = 3;
const SKIPPED = 4;
const NO_DEPS: Readonly<Record<string, unknown>> = Object.freeze({});

/**
 * Runs a compiled DAG: in-degree counting and a ready queue of integers. A synchronous handler
 * completes inline (no promise, no timer); only async handlers, retries and timeouts cost a promise.
 * On a node failure its dependants are skipped and (with `continue`) independent branches go on;
 * the rejection is a STAGE_FAILED error whose details carry the completed nodes and their outputs.
 */
export function runDag(dag: CompiledDag, handlers: readonly Handler[], options: DagRunOptions): Promise<DagResult> {
  const { memo } = options;
  if (!memo) return execute(dag, handlers, options, undefined);
  const { context } = options;
  const onWriteError = (node: string, error: unknown) =>
    context.emit({ kind: 'memo.warning', message: `node "${node}": its output was not kept, a retry runs it again: ${(error as Error)?.message ?? String(error)}`, data: { node, level: 'warning' } });
  // a memo that cannot be read is no reason to fail the stage: every node runs
  return memo.memo.entries().then(
    (saved) => execute(dag, handlers, options, new NodeMemo(dag, memo, saved, options.input, onWriteError)),
    () => execute(dag, handlers, options, new NodeMemo(dag, memo, new Map(), options.input, onWriteError)),
  );
}

function execute(dag: CompiledDag, handlers: readonly Handler[], options: DagRunOptions, memo: NodeMemo | undefined): Promise<DagResult> {
  const { context } = options;
  const n = dag.ids.length;
  const ids = dag.ids;
  const concurrency = options.concurrency ?? 16;
  const stopOnFailure = options.onNodeFailure === 'stop';
  const observer = options.observer;
  const nodeEvents = options.nodeEvents ?? n <= 100;
  const progressEvery = Math.max(1, Math.ceil(n / 10));
  const { depStart, depList, outStart, outList } = dag;
  const started = performance.now();

  return new Promise<DagResult>((resolve, reject) => {
    if (context.signal.aborted) {
      reject(cancellation(context.signal.reason, 0, n, []));
      return;
    }
    const controller = new AbortController();
    const nodeContext = withSignal(context, controller.signal);
    const indegree = dag.indegree.slice();
    const state = new Uint8Array(n);
    const outputs: unknown[] = new Array<unknown>(n);
    const order = new Int32Array(n);
    const queue = new Int32Array(n);
    let head = 0;
    let tail = 0;
    for (let i = 0; i < n; i++) if (indegree[i] === 0) queue[tail++] = i;
    let running = 0;
    let done = 0;
    let retries = 0;
    const reused: string[] = [];
    let stopping = false;
    let settled = false;
    const failures: { node: string; error: SwitchyardError }[] = [];

    const onAbort = () => {
      if (settled) return;
      settled = true;
      controller.abort(context.signal.reason);
      reject(cancellation(context.signal.reason, done, n, partial()));
    };
    context.signal.addEventListener('abort', onAbort, { once: true });

    const partial = () => {
      const completed: string[] = new Array<string>(done);
      for (let k = 0; k < done; k++) completed[k] = ids[order[k]!]!;
      return completed;
    };
    const outputsRecord = () => {
      const record: Record<string, unknown> = {};
      for (let k = 0; k < done; k++) record[ids[order[k]!]!] = outputs[order[k]!];
      return record;
    };

    const complete = (i: number, value: unknown, fromMemo = false) => {
      outputs[i] = value;
      state[i] = DONE;
      order[done++] = i;
      if (fromMemo) {
        reused.push(ids[i]!);
        if (nodeEvents) context.emit({ kind: 'node.reused', message: `${ids[i]}: completed in an earlier attempt, not run again`, data: { node: ids[i] } });
      } else {
        memo?.record(i, value);
        if (nodeEvents) context.emit({ kind: 'node.completed', message: ids[i], data: { node: ids[i] } });
      }
      if (!nodeEvents && done % progressEvery === 0) context.emit({ kind: 'dag.progress', progress: { done, total: n, unit: 'tasks' } });
      observer?.nodeCompleted?.(ids[i]!, value);
      for (let k = outStart[i]!, end = outStart[i + 1]!; k < end; k++) {
        const j = outList[k]!;
        if (--indegree[j]! === 0 && state[j] === PENDING) queue[tail++] = j;
      }
    };

    const fail = (i: number, raw: unknown) => {
      const error = toSwitchyardError(raw);
      state[i] = FAILED;
      failures.push({ node: ids[i]!, error });
      context.emit({ kind: 'node.failed', message: `${ids[i]}: ${error.message}`, data: { node: ids[i], code: error.code } });
      observer?.nodeFailed?.(ids[i]!, serialize(error), false);
      if (stopOnFailure) stopping = true;
      // Skip everything downstream: it can never run.
      const stack = [i];
      while (stack.length > 0) {
        const from = stack.pop()!;
        for (let k = outStart[from]!, end = outStart[from + 1]!; k < end; k++) {
          const j = outList[k]!;
          if (state[j] !== PENDING) continue;
          state[j] = SKIPPED;
              observer?.nodeSkipped?.(ids[j]!, `upstream ${ids[i]} failed`);
          stack.push(j);
        }
      }
    };

    const nodeInput = (i: number): DagNodeInput => {
      const from = depStart[i]!;
      const to = depStart[i + 1]!;
      if (from === to) return { input: options.input, deps: NO_DEPS };
      // A dictionary-mode object: every node has its own key set, so hidden-class transitions would dominate.
      const deps = Object.create(null) as Record<string, unknown>;
      for (let k = from; k < to; k++) deps[ids[depList[k]!]!] = outputs[depList[k]!];
      return { input: options.input, deps };
    };

    const onAsyncDone = (i: number) => (value: unknown) => {
      running--;
      if (settled) return;
      complete(i, value);
      pump();
    };
    const onAsyncFail = (i: number) => (error: unknown) => {
      running--;
      if (settled) return;
      fail(i, error);
      pump();
    };

    const start = (i: number) => {
      if (state[i] !== PENDING) return;
      const kept = memo?.lookup(i);
      if (kept) {
        complete(i, kept.value, true);
        return;
      }
      const input = nodeInput(i);
      if (nodeEvents) context.emit({ kind: 'node.started', message: ids[i], data: { node: ids[i] } });
      observer?.nodeStarted?.(ids[i]!, 1);
      const retry = dag.retries[i] ?? options.retry;
      const timeoutMs = dag.timeouts[i] ?? options.timeoutMs;
      if (retry === undefined && timeoutMs === undefined) {
        let value: unknown;
        try {
          value = handlers[i]!(input, nodeContext);
        } catch (error) {
          fail(i, error);
          return;
        }
        if (isThenable(value)) {
          running++;
          value.then(onAsyncDone(i), onAsyncFail(i));
        } else {
          complete(i, value);
        }
        return;
      }
      running++;
      guarded(i, input, retry, timeoutMs).then(onAsyncDone(i), onAsyncFail(i));
    };

    // A node's timeout bounds each attempt (the kit's withTimeout: TIMEOUT, the node's signal aborted); its retry is
    // the shared policy run by the kit's withRetry, so nodes retry exactly like stages.
    const guarded = (i: number, input: DagNodeInput, retry: RetryOption | undefined, timeoutMs: number | undefined): Promise<unknown> => {
      const attempt = (attemptNumber: number): Promise<unknown> => {
        if (attemptNumber > 1) observer?.nodeStarted?.(ids[i]!, attemptNumber);
        if (timeoutMs === undefined) return Promise.resolve().then(() => handlers[i]!(input, nodeContext));
        return withTimeout((signal) => handlers[i]!(input, withSignal(nodeContext, signal)), nodeContext.signal, timeoutMs, `node "${ids[i]}"`);
      };
      if (retry === undefined) return attempt(1);
      return withRetry(attempt, retry, controller.signal, {
        onRetry: (error, attemptNumber) => {
          retries++;
          context.emit({ kind: 'node.retry', message: `${ids[i]}: attempt ${attemptNumber} failed: ${error.message}`, data: { node: ids[i], attempt: attemptNumber } });
          observer?.nodeFailed?.(ids[i]!, serialize(error), true);
        },
      });
    };

    const pump = () => {
      while (head < tail && running < concurrency && !stopping && !settled) start(queue[head++]!);
      if (settled || running > 0) return;
      if (head < tail && !stopping) return;
      settled = true;
      context.signal.removeEventListener('abort', onAbort);
      const durationMs = performance.now() - started;
      if (reused.length > 0) {
        context.emit({ kind: 'dag.reused', message: `${reused.length} of ${n} nodes completed in an earlier attempt, not run again`, data: { reused: reused.length, total: n, nodes: reused.slice(0, 100) } });
      }
      if (failures.length > 0) {
        controller.abort();
        const error = failed(failures, partial(), outputsRecord(), ids, state);
        if (memo) void memo.settled().then(() => reject(error));
        else reject(error);
        return;
      }
      const record = outputsRecord();
      const result = dag.sinks.length === 1 ? outputs[dag.sinks[0]!] : Object.fromEntries(dag.sinks.map((s) => [ids[s]!, outputs[s]]));
      const value: DagResult = { result, outputs: record, completed: partial(), stats: { tasks: n, edges: dag.edges, retries, durationMs, reused: reused.length } };
      if (memo) void memo.settled().then(() => resolve(value));
      else resolve(value);
    };

    pump();
  });
}

export type { DagMemo } from './memo.js';

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && (typeof value === 'object' || typeof value === 'function') && typeof (value as PromiseLike<unknown>).then === 'function';
}

/** A stage context with another signal; methods delegate so class-based contexts keep working. */
function withSignal(context: StageContext, signal: AbortSignal): StageContext {
  return {
    runId: context.runId,
    stageId: context.stageId,
    engine: context.engine,
    pipelineName: context.pipelineName,
    goal: context.goal,
    attempt: context.attempt,
    runInput: context.runInput,
    input: context.input,
    data: context.data,
    history: context.history,
    getLastOutput: (typeOrStageId?: string) => context.getLastOutput(typeOrStageId),
    signal,
    emit: (event) => context.emit(event),
    home: context.home,
    baseDir: context.baseDir,
    documentRoots: context.documentRoots,
    resources: context.resources,
    schedules: context.schedules,
    ...(context.approval ? { approval: context.approval } : {}),
  };
}

function serialize(error: SwitchyardError): SerializedError {
  return { code: error.code, message: error.message, ...(error.path ? { path: error.path } : {}) };
}

function cancellation(reason: unknown, done: number, total: number, completed: string[]): SwitchyardError {
  const base = toSwitchyardError(reason ?? new DOMException('cancelled', 'AbortError'), 'CANCELLED');
  const code = base.code === 'TIMEOUT' ? 'TIMEOUT' : 'CANCELLED';
  return new SwitchyardError(code, `DAG ${code === 'TIMEOUT' ? 'timed out' : 'cancelled'} after ${done} of ${total} nodes: ${base.message}`, {
    cause: reason,
    details: { completed },
  });
}

function failed(failures: readonly { node: string; error: SwitchyardError }[], completed: string[], outputs: Record<string, unknown>, ids: readonly string[], state: Uint8Array): SwitchyardError {
  const skipped: string[] = [];
  for (let i = 0; i < ids.length; i++) if (state[i] === SKIPPED || state[i] === PENDING) skipped.push(ids[i]!);
  const first = failures[0]!;
  const more = failures.length > 1 ? ` (and ${failures.length - 1} more failed node${failures.length > 2 ? 's' : ''})` : '';
  const message = `node "${first.node}" failed: ${first.error.message}${more}; ${completed.length} of ${ids.length} nodes completed${skipped.length ? `, ${skipped.length} skipped` : ''}`;
  return new SwitchyardError('STAGE_FAILED', message, {
    cause: first.error,
    details: {
      failed: failures.map((f) => ({ node: f.node, ...serialize(f.error) })),
      completed,
      outputs,
      skipped,
    },
  });
}
