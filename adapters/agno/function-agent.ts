import type { z } from 'zod';
import type { StageContext } from 'switchyard/adapter-kit';
import type { EngineEvent } from 'switchyard/adapter-kit';
import { SwitchyardError, invalidInput } from 'switchyard/adapter-kit';
import { EXECUTE, TopLevelRunnable } from './runnable.js';
import { NEVER_ABORTED, abortError, raceAbort, runError, throwIfAborted, withTimeout } from './run-helpers.js';
import type { EventListener } from './run-helpers.js';
import type { RunOptions, RunOutput, Runnable } from './types.js';

/** What a function agent's executor and transformers receive besides the input. */
export interface FunctionAgentContext {
  readonly agent: string;
  readonly signal: AbortSignal;
  /** The stage context inside a pipeline (history, data bus, `getLastOutput`). */
  readonly context?: StageContext | undefined;
  /** The stage's task text, when there is one. */
  readonly task?: string | undefined;
  /** Reports progress; forwarded to the stage as an engine event when in a pipeline. */
  emit(event: EngineEvent): void;
}

export interface FunctionAgentOptions<I = unknown, O = unknown> {
  readonly name: string;
  readonly role?: string;
  /** The work, in code (seed 003's worker executor). */
  readonly executor: (input: I, context: FunctionAgentContext) => O | Promise<O>;
  /** Prepares the executor's input from what the agent was given. */
  readonly inputTransformer?: (input: unknown, context: FunctionAgentContext) => I | Promise<I>;
  /** Shapes the executor's output before it leaves the agent. */
  readonly outputTransformer?: (output: O, context: FunctionAgentContext) => unknown;
  /** Validates the (transformed) output; the parsed value becomes `structured`. */
  readonly outputSchema?: z.ZodType;
  /** Gives up after this many ms. */
  readonly timeoutMs?: number;
}

/** An agent whose executor is TypeScript instead of a model: offline, deterministic, the same run output as a model agent. */
export class FunctionAgent<I = unknown, O = unknown> extends TopLevelRunnable implements Runnable {
  readonly name: string;
  readonly role: string | undefined;
  readonly #options: FunctionAgentOptions<I, O>;

  constructor(options: FunctionAgentOptions<I, O>) {
    super();
    if (typeof options?.name !== 'string' || options.name.length === 0) throw invalidInput('functionAgent.name', 'a non-empty string', options?.name);
    if (typeof options.executor !== 'function') throw invalidInput(`functionAgent(${options.name}).executor`, 'a function', options.executor);
    this.name = options.name;
    this.role = options.role;
    this.#options = options;
  }

  async [EXECUTE](input: unknown, options: RunOptions, emit: EventListener | undefined): Promise<RunOutput> {
    const started = performance.now();
    const name = this.name;
    const o = this.#options;
    emit?.({ type: 'run.started', agent: name });
    const signal = withTimeout(options.signal, o.timeoutMs) ?? NEVER_ABORTED;
    try {
      throwIfAborted(signal);
      const ctx: FunctionAgentContext = {
        agent: name,
        signal,
        context: options.context,
        task: options.task,
        emit: (event) => options.context?.emit(event),
      };
      // sync steps run without a tick; promises are raced against the signal
      let prepared = o.inputTransformer ? o.inputTransformer(input, ctx) : (input as I);
      if (isThenable(prepared)) prepared = await raceAbort(Promise.resolve(prepared), signal);
      let raw = o.executor(prepared as I, ctx);
      if (isThenable(raw)) raw = await raceAbort(Promise.resolve(raw), signal);
      let content = o.outputTransformer ? o.outputTransformer(raw as O, ctx) : raw;
      if (isThenable(content)) content = await raceAbort(Promise.resolve(content), signal);
      let structured: unknown;
      if (o.outputSchema) {
        const parsed = o.outputSchema.safeParse(content);
        if (!parsed.success) {
          const issues = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ');
          throw new SwitchyardError('STAGE_FAILED', `function agent ${name}: the output did not match its schema: ${issues}`);
        }
        structured = parsed.data;
      }
      const output: RunOutput = {
        agent: name,
        status: 'completed',
        content: content === undefined ? null : content,
        ...(structured === undefined ? {} : { structured }),
        toolCalls: [],
        durationMs: performance.now() - started,
      };
      emit?.({ type: 'run.completed', agent: name, output });
      return output;
    } catch (error) {
      const failure = signal.aborted ? runError(abortError(signal)) : runError(error, 'STAGE_FAILED');
      const output: RunOutput = { agent: name, status: failure.status, content: null, toolCalls: [], error: failure.error, durationMs: performance.now() - started };
      emit?.({ type: 'run.failed', agent: name, output });
      return output;
    }
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as Partial<PromiseLike<unknown>> | null)?.then === 'function';
}

/** Shorthand: `functionAgent('coder', (spec) => code, { outputTransformer })`. */
export function functionAgent<I = unknown, O = unknown>(
  name: string,
  executor: FunctionAgentOptions<I, O>['executor'],
  options: Omit<FunctionAgentOptions<I, O>, 'name' | 'executor'> = {},
): FunctionAgent<I, O> {
  return new FunctionAgent<I, O>({ ...options, name, executor });
}
