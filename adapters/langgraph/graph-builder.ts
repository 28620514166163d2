import type { BaseCheckpointSaver } from '@langchain/langgraph-checkpoint';
import type { RetryPolicy } from '@langchain/langgraph';
import type { StageContext } from 'switchyard/adapter-kit';
import { isRetryable, resolveHandler, resolveRetry } from 'switchyard/adapter-kit';
import { approvalRequest, decisionUpdate, defaultApprovalMessage } from './approval.js';
import { END_NODE, START_NODE } from './graph-plan.js';
import type { GraphPlan, PlannedNode, PlannedRoute } from './graph-plan.js';
import { compileRoute, compileStateExpression } from './routes.js';
import type { RetrySpec } from './task-schema.js';

type LangGraph = typeof import('@langchain/langgraph');
type State = Record<string, unknown>;

/** What a spec graph's nodes and routes read at run time; passed as LangGraph's runtime `context`, never checkpointed. */
export interface RunContext {
  readonly stage: StageContext;
}

interface NodeRuntime {
  readonly context?: RunContext;
  readonly signal?: AbortSignal;
}

/** The compiled graph's surface the runner uses. */
export interface RunnableGraph {
  getState(config: { configurable: Record<string, unknown> }): Promise<{
    values: unknown;
    next: readonly string[];
    tasks: readonly { name: string; interrupts: readonly { id?: string; value?: unknown }[] }[];
    config?: { configurable?: Record<string, unknown> };
  }>;
  stream(input: unknown, options: Record<string, unknown>): Promise<AsyncIterable<unknown>>;
}

/** Spec graphs keep the user's JSON state in one channel whose reducer merges each node's update into it. */
export const STATE_KEY = 'state';

/**
 * Builds and compiles a LangGraph StateGraph from a plan. Handlers are resolved per call from the stage's
 * resources, so one compiled graph serves every execution of the same spec.
 */
export function buildSpecGraph(lg: LangGraph, plan: GraphPlan, checkpointer: BaseCheckpointSaver): RunnableGraph {
  const annotation = lg.Annotation.Root({
    [STATE_KEY]: lg.Annotation<State>({ reducer: (current: State, update: State) => ({ ...current, ...update }), default: () => ({}) }),
  });
  // LangGraph's builder types track node names literally; a graph built from data uses the untyped surface.
  const graph = new lg.StateGraph(annotation) as unknown as UntypedGraph;
  const names = plan.nodes.map((node) => node.name);
  for (const node of plan.nodes) {
    graph.addNode(node.name, nodeFunction(lg, node), {
      ...(node.retry ? { retryPolicy: retryPolicy(node.retry) } : {}),
      ...(node.timeoutMs ? { timeout: node.timeoutMs } : {}),
    });
  }
  for (const [from, to] of plan.edges) graph.addEdge(from === START_NODE ? lg.START : from, to === END_NODE ? lg.END : to);
  for (const route of plan.routes) graph.addConditionalEdges(route.from, routeFunction(route, names), [...names, lg.END]);
  return graph.compile({ checkpointer }) as RunnableGraph;
}

interface UntypedGraph {
  addNode(name: string, action: (state: { state: State }, runtime: NodeRuntime) => Promise<{ state: State }>, options: Record<string, unknown>): void;
  addEdge(from: string, to: string): void;
  addConditionalEdges(from: string, route: (state: { state: State }, runtime: NodeRuntime) => Promise<string>, pathMap: string[]): void;
  compile(options: { checkpointer: BaseCheckpointSaver }): unknown;
}

function nodeFunction(lg: LangGraph, node: PlannedNode) {
  const show = node.approval?.show === undefined ? undefined : compileStateExpression(node.approval.show, `${node.path}.approve.show`);
  return async ({ state }: { state: State }, runtime: NodeRuntime): Promise<{ state: State }> => {
    const stage = stageFor(runtime);
    stage.emit({ kind: 'node.started', message: node.name, data: { node: node.name } });
    try {
      let update: State = {};
      if (node.approval) {
        const payload = show ? await show(state, { signal: stage.signal }) : state;
        // On resume LangGraph re-runs this node and interrupt() returns the human's decision.
        const decision = lg.interrupt(approvalRequest(node.name, node.approval.message ?? defaultApprovalMessage(node.name, stage.stageId), payload));
        update = decisionUpdate(node.name, decision, state);
      }
      if (node.binding !== undefined) {
        const handler = resolveHandler(node.binding, stage.resources, node.path);
        const output = await handler(node.approval ? { ...state, ...update } : state, stage);
        update = { ...update, ...toUpdate(node.name, output) };
      }
      stage.emit({ kind: 'node.completed', message: node.name, data: { node: node.name, keys: Object.keys(update) } });
      return { [STATE_KEY]: update };
    } catch (error) {
      if (lg.isGraphInterrupt(error)) {
        stage.emit({ kind: 'node.interrupted', message: node.name, data: { node: node.name } });
      } else {
        const message = (error as { message?: string } | null)?.message ?? String(error);
        stage.emit({ kind: 'node.failed', message: `${node.name}: ${message}`, data: { node: node.name, error: message } });
      }
      throw error;
    }
  };
}

function routeFunction(route: PlannedRoute, names: readonly string[]) {
  const compiled = route.route === undefined ? undefined : compileRoute(route.route, names, route.path);
  return async ({ state }: { state: State }, runtime: NodeRuntime): Promise<string> => {
    const signal = runtime.signal ?? runtime.context?.stage.signal;
    const target = compiled ? await compiled(state, signal ? { signal } : {}) : state.approved === true ? route.next : END_NODE;
    runtime.context?.stage.emit({ kind: 'route.decided', message: `${route.from} -> ${target === END_NODE ? 'end' : target}`, data: { from: route.from, to: target === END_NODE ? 'end' : target } });
    return target;
  };
}

/** The stage context with the node's own signal (LangGraph aborts it on a node timeout or cancellation). */
function stageFor(runtime: NodeRuntime): StageContext {
  const stage = runtime.context?.stage;
  if (!stage) throw new Error('langgraph node ran without a switchyard stage context');
  if (!runtime.signal || runtime.signal === stage.signal) return stage;
  return Object.create(stage, { signal: { value: runtime.signal, enumerable: true } }) as StageContext;
}

/** A node's return value merged into the state: objects merge key by key; anything else is stored under the node's name. */
export function toUpdate(node: string, output: unknown): State {
  if (output === undefined || output === null) return {};
  if (typeof output === 'object' && !Array.isArray(output)) return output as State;
  return { [node]: output };
}

/**
 * The shared retry shape on LangGraph's RetryPolicy, defaults applied once by the kit: maxAttempts = attempts,
 * initialInterval = minDelayMs, backoffFactor = factor (1 for `backoff: fixed`), maxInterval = maxDelayMs,
 * jitter (LangGraph's: up to 1 s added to each delay), retryOn = the kit's choice of errors (`on`, else anything
 * but cancellation and a user's mistake).
 */
export function retryPolicy(retry: RetrySpec): RetryPolicy {
  const policy = resolveRetry(retry);
  return {
    maxAttempts: policy.attempts,
    initialInterval: policy.minDelayMs,
    backoffFactor: policy.factor,
    maxInterval: policy.maxDelayMs,
    jitter: policy.jitter,
    // LangGraph would console.log each retry (and corrupt `--json` output); node.failed/node.started events show them.
    logWarning: false,
    retryOn: (error: unknown) => isRetryable(error, policy),
  };
}
