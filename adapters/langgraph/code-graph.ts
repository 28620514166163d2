import type { BaseCheckpointSaver } from '@langchain/langgraph-checkpoint';
import type { ObservedSaver } from './checkpointers.js';
import type { ResourceRegistry } from 'switchyard/adapter-kit';
import { SwitchyardError } from 'switchyard/adapter-kit';
import type { RunnableGraph } from './graph-builder.js';
import type { GraphLike } from './task-schema.js';

interface CompilableGraph {
  compile(options: { checkpointer: BaseCheckpointSaver }): unknown;
}

interface CompiledGraphLike {
  checkpointer?: unknown;
  withConfig(config: Record<string, unknown>): CompiledGraphLike;
  stream: unknown;
  getState: unknown;
}

/** Looks up `task.graph`: a graph object, or the name of a registered `graph` resource. */
export function lookupGraph(graph: string | GraphLike, resources: ResourceRegistry, path: string): GraphLike {
  if (typeof graph !== 'string') return graph;
  const found = resources.get<unknown>('graph', graph);
  if (typeof found !== 'object' || found === null) {
    const known = resources.names('graph');
    throw new SwitchyardError('INVALID_PIPELINE', `${path}: expected a registered graph; got ${JSON.stringify(graph)} (registered: ${known.length ? known.join(', ') : 'none'})`, {
      path,
      expected: 'a registered graph',
      got: graph,
    });
  }
  return found as GraphLike;
}

export function isCompiledGraph(value: unknown): value is CompiledGraphLike {
  const graph = value as Partial<CompiledGraphLike> | null;
  return typeof graph === 'object' && graph !== null && typeof graph.stream === 'function' && typeof graph.getState === 'function' && typeof graph.withConfig === 'function';
}

export function isCompilableGraph(value: unknown): value is CompilableGraph {
  return typeof value === 'object' && value !== null && typeof (value as CompilableGraph).compile === 'function';
}

/**
 * Prepares a graph handed over in code to run on switchyard's checkpointer. An uncompiled StateGraph is compiled
 * with it; a compiled graph without one gets a copy carrying it (the caller's object is left as it was);
 * a compiled graph with its own checkpointer keeps it. Either way writes are observed for checkpoint events.
 */
export function withCheckpointer(
  graph: GraphLike,
  checkpointer: ObservedSaver,
  path: string,
  observe: (saver: BaseCheckpointSaver) => ObservedSaver,
): { graph: RunnableGraph; observed: ObservedSaver } {
  if (isCompiledGraph(graph)) {
    const own = typeof graph.checkpointer === 'object' && graph.checkpointer !== null ? observe(graph.checkpointer as BaseCheckpointSaver) : undefined;
    const observed = own ?? checkpointer;
    const copy = graph.withConfig({});
    copy.checkpointer = observed.saver;
    return { graph: copy as unknown as RunnableGraph, observed };
  }
  if (isCompilableGraph(graph)) return { graph: graph.compile({ checkpointer: checkpointer.saver }) as RunnableGraph, observed: checkpointer };
  throw new SwitchyardError('INVALID_PIPELINE', `${path}: expected a LangGraph StateGraph or compiled graph (with compile() or stream()/getState())`, {
    path,
    expected: 'a LangGraph graph',
  });
}
