import type { StageContext } from 'switchyard/adapter-kit';
import type { AgentLike, AgentLikeResult } from 'switchyard/adapter-kit';
import { eventStream, runError } from './run-helpers.js';
import type { EventListener } from './run-helpers.js';
import type { AgentEvent, RunOptions, RunOutput } from './types.js';

/** Internal entry point shared by Agent, FunctionAgent and Team so a team can pass its own listener to members. */
export const EXECUTE: unique symbol = Symbol.for('switchyard.agno.execute');

export interface Executable {
  [EXECUTE](input: unknown, options: RunOptions, emit: EventListener | undefined, streaming: boolean): Promise<RunOutput>;
}

export function isExecutable(value: unknown): value is Executable & AgentLike {
  return typeof value === 'object' && value !== null && typeof (value as Partial<Executable>)[EXECUTE] === 'function';
}

/** Forwards a run's events to the stage context as engine events (content deltas stay in `stream`). */
export function contextForwarder(context: StageContext | undefined): EventListener | undefined {
  if (!context) return undefined;
  return (event) => {
    switch (event.type) {
      case 'run.started':
        context.emit({ kind: 'agent.started', message: `agent ${event.agent} started`, data: { agent: event.agent } });
        break;
      case 'tool.started':
        context.emit({ kind: 'tool.started', message: `${event.agent} calls ${event.name}`, data: { agent: event.agent, id: event.id, tool: event.name } });
        break;
      case 'tool.completed':
        context.emit({
          kind: 'tool.completed',
          message: `${event.call.name} ${event.call.error ? `failed: ${event.call.error}` : 'completed'}`,
          data: { agent: event.agent, id: event.call.id, tool: event.call.name, ok: !event.call.error, durationMs: event.call.durationMs },
        });
        break;
      case 'run.completed':
        context.emit({ kind: 'agent.completed', message: `agent ${event.agent} completed`, data: { agent: event.agent, durationMs: event.output.durationMs, ...(event.output.usage ? { usage: { ...event.output.usage } } : {}) } });
        break;
      case 'run.failed':
        context.emit({ kind: 'agent.failed', message: `agent ${event.agent} ${event.output.status}: ${event.output.error?.message ?? ''}`, data: { agent: event.agent, status: event.output.status, ...(event.output.error ? { error: { ...event.output.error } } : {}) } });
        break;
      default:
        break;
    }
  };
}

/**
 * What Agent, FunctionAgent and Team share: `run` and `stream` on top of their own `[EXECUTE]`,
 * forwarding events to the stage context when one is given.
 */
export abstract class TopLevelRunnable implements Executable {
  abstract readonly name: string;

  abstract [EXECUTE](input: unknown, options: RunOptions, emit: EventListener | undefined, streaming: boolean): Promise<RunOutput>;

  run(input: unknown, options: RunOptions = {}): Promise<RunOutput> {
    return this[EXECUTE](input, options, contextForwarder(options.context), false);
  }

  stream(input: unknown, options: RunOptions = {}): AsyncIterable<AgentEvent> {
    const forward = contextForwarder(options.context);
    return eventStream(
      (emit, signal) => this[EXECUTE](input, { ...options, signal }, forward ? (event) => (emit(event), forward(event)) : emit, true),
      options.signal,
    );
  }
}

/** Runs any member: our own agents keep streaming their events to the team's listener; plain AgentLikes are wrapped. */
export function runMember(member: AgentLike, input: unknown, options: RunOptions, emit: EventListener | undefined, streaming: boolean): Promise<RunOutput> {
  // not async: returning the promise as is saves the extra ticks an async wrapper costs on every run
  if (isExecutable(member)) return member[EXECUTE](input, options, emit, streaming);
  return runPlain(member, input, options, emit);
}

async function runPlain(member: AgentLike, input: unknown, options: RunOptions, emit: EventListener | undefined): Promise<RunOutput> {
  const started = performance.now();
  emit?.({ type: 'run.started', agent: member.name });
  let result: AgentLikeResult;
  try {
    result = await member.run(input, { ...(options.signal ? { signal: options.signal } : {}), ...(options.context ? { context: options.context } : {}) });
  } catch (error) {
    const failure = runError(error);
    result = { status: failure.status, content: null, error: failure.error };
  }
  const output: RunOutput = {
    agent: member.name,
    status: result.status,
    content: result.content,
    ...(result.structured === undefined ? {} : { structured: result.structured }),
    toolCalls: [],
    ...(result.error ? { error: result.error } : {}),
    durationMs: performance.now() - started,
  };
  emit?.({ type: output.status === 'completed' ? 'run.completed' : 'run.failed', agent: member.name, output });
  return output;
}

/** The value a run hands on: the structured output when there is one, else the content. */
export function resultValue(output: RunOutput): unknown {
  return output.structured ?? output.content;
}
