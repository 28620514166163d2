import { SwitchyardError } from './errors.js';
import type { ResourceRegistry, StageContext } from './adapter.js';

/** A unit of deterministic work in code: a DAG task, a graph node, a function agent's executor (seed 003's workers). */
export type Handler<I = unknown, O = unknown> = (input: I, context: StageContext) => O | Promise<O>;

/** The result shape every agent-like thing returns (agno's Agent, FunctionAgent and Team implement it). */
export interface AgentLikeResult {
  readonly status: 'completed' | 'failed' | 'cancelled';
  /** The answer: text from a model, or whatever a function agent returned. */
  readonly content: unknown;
  /** Parsed structured output when the agent has an output schema. */
  readonly structured?: unknown;
  readonly error?: { readonly code: string; readonly message: string };
}

/** Anything with a name and a `run`: lets graph nodes and DAG tasks be bound to agents without importing an engine. */
export interface AgentLike {
  readonly name: string;
  run(input: unknown, options?: { readonly signal?: AbortSignal; readonly context?: StageContext }): Promise<AgentLikeResult>;
}

export type HandlerBinding = string | Handler | AgentLike;

export function isAgentLike(value: unknown): value is AgentLike {
  return typeof value === 'object' && value !== null && typeof (value as AgentLike).run === 'function' && typeof (value as AgentLike).name === 'string';
}

/**
 * Turns a binding (a function, an agent, or the name of a registered handler or agent) into a handler.
 * A failed agent run becomes a thrown STAGE_FAILED error so retries and failure paths apply.
 */
export function resolveHandler(binding: HandlerBinding, resources: ResourceRegistry, path: string): Handler {
  if (typeof binding === 'function') return binding;
  if (isAgentLike(binding)) return agentHandler(binding);
  const handler = resources.get<unknown>('handler', binding);
  if (typeof handler === 'function') return handler as Handler;
  const agent = resources.get<unknown>('agent', binding);
  if (isAgentLike(agent)) return agentHandler(agent);
  throw unknownHandlerError(binding, resources, path);
}

/** The error for a name that is neither a registered handler nor a registered agent, listing the known ones. */
export function unknownHandlerError(name: string, resources: Pick<ResourceRegistry, 'names'>, path: string): SwitchyardError {
  const known = [...resources.names('handler'), ...resources.names('agent')];
  return new SwitchyardError('INVALID_PIPELINE', `${path}: expected a registered handler or agent; got ${JSON.stringify(name)} (known: ${known.length ? known.join(', ') : 'none'})`, {
    path,
    expected: 'a registered handler or agent',
    got: name,
  });
}

function agentHandler(agent: AgentLike): Handler {
  return async (input, context) => {
    const result = await agent.run(input, { signal: context.signal, context });
    if (result.status !== 'completed') {
      throw new SwitchyardError(result.status === 'cancelled' ? 'CANCELLED' : 'STAGE_FAILED', result.error?.message ?? `agent ${agent.name} ${result.status}`);
    }
    return result.structured ?? result.content;
  };
}
