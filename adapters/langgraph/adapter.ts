import { defineAdapter } from 'switchyard/adapter-kit';
import type { OrchestratorAdapter, StageContext, ValidationContext } from 'switchyard/adapter-kit';
import { checkOutputReferences, throwIfAborted, withTimeout } from 'switchyard/adapter-kit';
import { setMaxListeners } from 'node:events';
import { CheckpointerPool, resolveCheckpointTarget } from './checkpointers.js';
import type { ObservedSaver } from './checkpointers.js';
import type { RunnableGraph } from './graph-builder.js';
import { lookupGraph, withCheckpointer } from './code-graph.js';
import { planGraph, type GraphPlan } from './graph-plan.js';
import { compileRoute, compileStateExpression } from './routes.js';
import { langgraphTaskSchema } from './task-schema.js';
import type { LanggraphTask } from './task-schema.js';

export interface LanggraphAdapterOptions {
  /**
   * Where checkpoints go for every stage without its own `checkpoint.url`: `postgres://...` or a SQLite path.
   * Default: `SWITCHYARD_CHECKPOINT_URL`, else `<home>/checkpoints.sqlite`.
   */
  readonly checkpointUrl?: string;
}

/**
 * The `langgraph` adapter: each stage compiles a LangGraph StateGraph from its workflow spec (or takes a graph
 * from code) and runs it on a checkpointed thread named after the run and stage. Approval nodes interrupt the
 * graph; the stage returns `waitForApproval(...)` and resumes from the checkpoint with the decision.
 * LangGraph and the checkpointers are imported only inside `execute`.
 */
export function createAdapter(options: LanggraphAdapterOptions = {}): OrchestratorAdapter<LanggraphTask, unknown> {
  const checkpointers = new CheckpointerPool();
  const specGraphs = new SpecGraphCache();
  return defineAdapter<LanggraphTask, unknown>({
    type: 'langgraph',
    taskSchema: langgraphTaskSchema,
    validate: (task, ctx) => validateTask(task, ctx),
    async execute(task, context) {
      throwIfAborted(context.signal, 'before the langgraph stage started');
      const path = `stages.${context.stageId}.task`;
      const { lg, buildSpecGraph, runGraph } = await loadEngine();
      const target = resolveCheckpointTarget(task.checkpoint?.url ?? options.checkpointUrl, context.home, context.baseDir);
      const pooled = await checkpointers.observed(target);
      throwIfAborted(context.signal, 'before the langgraph stage started');
      const threadId = task.checkpoint?.threadId ?? threadIdFor(context);
      const { graph, observed } = task.workflow
        ? { graph: specGraphs.get(task, pooled, () => planGraph(task, context.resources, path), (plan) => buildSpecGraph(lg, plan, pooled.saver)), observed: pooled }
        : withCheckpointer(lookupGraph(task.graph!, context.resources, `${path}.graph`), pooled, `${path}.graph`, (saver) => checkpointers.observe(saver));
      // A signal of the graph run's own: LangGraph adds an abort listener per running node, and a wide graph would trip
      // Node's leak warning on the stage's signal (which may be one shared by every run).
      const signal = AbortSignal.any([withTimeout(context.signal, task.timeoutMs)!]);
      setMaxListeners(0, signal);
      const unwatch = observed.watch(threadId, (write) => context.emit({ kind: 'checkpoint.saved', data: { ...write } }));
      try {
        return await runGraph(lg, graph, {
          kind: task.workflow ? 'spec' : 'code',
          initial: task.workflow ? { state: initialState(task, context) } : initialState(task, context),
          threadId,
          recursionLimit: task.recursionLimit,
          signal,
          context,
          approvalMessage: task.approvalMessage ?? 'Approval required',
          checkpointer: target.kind,
          saver: observed.saver,
        });
      } finally {
        unwatch();
      }
    },
    async health() {
      try {
        await import('@langchain/langgraph');
        return { ok: true };
      } catch (error) {
        return { ok: false, detail: (error as Error).message };
      }
    },
    close: () => checkpointers.close(),
  });
}

/** Compiled graphs kept per saver for plans of pure data: the least recently used go beyond this many. */
const PLANS_PER_SAVER = 64;

/**
 * Compiled spec graphs by task object and saver: a prepared pipeline's stage (retries, resumes, repeated runs
 * in one process) compiles its graph once. Handlers are resolved per call, so the graph holds no stage state.
 * A task object not seen before (the same pipeline validated again, as `run(object)` and `run(file)` do on every
 * run) is matched by its plan: a plan of pure data (names, messages, expressions, policies; no functions) fully
 * determines the graph, so an equal plan reuses the graph compiled for it.
 */
export class SpecGraphCache {
  readonly #graphs = new WeakMap<LanggraphTask, Map<ObservedSaver, RunnableGraph>>();
  readonly #byPlan = new WeakMap<ObservedSaver, Map<string, RunnableGraph>>();

  get(task: LanggraphTask, saver: ObservedSaver, plan: () => GraphPlan, build: (plan: GraphPlan) => RunnableGraph): RunnableGraph {
    let bySaver = this.#graphs.get(task);
    if (!bySaver) this.#graphs.set(task, (bySaver = new Map()));
    let graph = bySaver.get(saver);
    if (!graph) bySaver.set(saver, (graph = this.#forPlan(saver, plan(), build)));
    return graph;
  }

  #forPlan(saver: ObservedSaver, plan: GraphPlan, build: (plan: GraphPlan) => RunnableGraph): RunnableGraph {
    const key = dataKey(plan);
    if (key === undefined) return build(plan);
    let byKey = this.#byPlan.get(saver);
    if (!byKey) this.#byPlan.set(saver, (byKey = new Map()));
    let graph = byKey.get(key);
    if (graph) byKey.delete(key);
    else graph = build(plan);
    byKey.set(key, graph);
    if (byKey.size > PLANS_PER_SAVER) byKey.delete(byKey.keys().next().value!);
    return graph;
  }
}

/**
 * The plan as JSON when it is pure data (plain objects, arrays, strings, numbers, booleans); undefined when it holds
 * anything else, such as a function or an agent object, which only the same task object may reuse.
 */
function dataKey(plan: GraphPlan): string | undefined {
  let pure = true;
  const key = JSON.stringify(plan, (_key, value: unknown) => {
    if (value === null || value === undefined || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
    if (typeof value === 'object') {
      const proto = Object.getPrototypeOf(value) as unknown;
      if (proto === Object.prototype || proto === Array.prototype || proto === null) return value;
    }
    pure = false;
    return undefined;
  });
  return pure ? key : undefined;
}

let engine: Promise<{ lg: typeof import('@langchain/langgraph'); buildSpecGraph: typeof import('./graph-builder.js').buildSpecGraph; runGraph: typeof import('./run-graph.js').runGraph }> | undefined;

/** LangGraph and the modules that use it, imported on the first execute and kept (a loader hook would otherwise see every import() again). */
function loadEngine() {
  engine ??= Promise.all([import('@langchain/langgraph'), import('./graph-builder.js'), import('./run-graph.js')]).then(([lg, builder, runner]) => ({
    lg,
    buildSpecGraph: builder.buildSpecGraph,
    runGraph: runner.runGraph,
  }));
  engine.catch(() => (engine = undefined));
  return engine;
}

/** The thread a stage's graph runs on: the same run and stage always continue the same thread. */
export function threadIdFor(context: Pick<StageContext, 'runId' | 'stageId'>): string {
  return `${context.runId}:${context.stageId}`;
}

/** The stage input (an object as is, anything else under `input`) with the task's `input` over it. */
export function initialState(task: LanggraphTask, context: Pick<StageContext, 'input'>): Record<string, unknown> {
  const input = context.input;
  const base = input === undefined || input === null ? {} : typeof input === 'object' && !Array.isArray(input) ? (input as Record<string, unknown>) : { input };
  return { ...base, ...task.input };
}

function validateTask(task: LanggraphTask, ctx: ValidationContext): void {
  if (task.graph !== undefined) {
    if (typeof task.graph === 'string') lookupGraph(task.graph, ctx.resources, `${ctx.path}.graph`);
    return;
  }
  const plan = planGraph(task, ctx.resources, ctx.path);
  const names = plan.nodes.map((node) => node.name);
  for (const route of plan.routes) {
    if (route.route === undefined) continue;
    compileRoute(route.route, names, route.path);
    // `outputs.<id>` in a route names a stage of the pipeline: a typo would silently route on nothing
    if (typeof route.route === 'string' && ctx.stageIds) checkOutputReferences(route.route, route.path, ctx.stageIds);
  }
  for (const node of plan.nodes) if (node.approval?.show !== undefined) compileStateExpression(node.approval.show, `${node.path}.approve.show`);
}
