import { SwitchyardError } from 'switchyard/adapter-kit';
import { compileExpression, type EvaluateOptions } from 'switchyard/adapter-kit';
import { END_NODE } from './graph-plan.js';
import type { RouteSpec } from './task-schema.js';

/** `options.signal` (the node's or the stage's) stops a JSONata expression; its time, depth and size budgets always apply. */
export type CompiledRoute = (state: Record<string, unknown>, options?: EvaluateOptions) => Promise<string>;
export type StateEvaluator = (state: Record<string, unknown>, options?: EvaluateOptions) => Promise<unknown>;

/**
 * A function of the state, or a JSONata expression evaluated on it (compiled once; syntax errors name `path`;
 * bounded like every pipeline expression, with the limits from the environment or the defaults).
 */
export function compileStateExpression(spec: string | ((state: Record<string, unknown>) => unknown), path: string): StateEvaluator {
  if (typeof spec === 'function') return async (state) => spec(state);
  const expression = compileExpression(spec, path);
  return async (state, options) => expression(state as never, options);
}

const END_NAMES = new Set(['end', 'END', END_NODE]);

/**
 * Compiles a route once: a function in code, or a JSONata expression evaluated on the graph state in files
 * (e.g. `approved ? "deploy" : "end"`). The result must name a node of the graph or `end`.
 */
export function compileRoute(route: RouteSpec, nodes: readonly string[], path: string): CompiledRoute {
  const evaluate = compileStateExpression(route, path);
  const known = new Set(nodes);
  return async (state, options) => {
    const target = await evaluate(state, options);
    if (typeof target === 'string' && END_NAMES.has(target)) return END_NODE;
    if (typeof target === 'string' && known.has(target)) return target;
    throw new SwitchyardError('STAGE_FAILED', `${path}: expected the route to return a node (${nodes.join(', ')}) or "end"; got ${JSON.stringify(target) ?? 'undefined'}`, {
      path,
      expected: `one of ${nodes.join(', ')}, end`,
      got: target,
    });
  };
}
