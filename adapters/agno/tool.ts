import { z } from 'zod';
import type { StageContext } from 'switchyard/adapter-kit';
import { invalidInput } from 'switchyard/adapter-kit';
import { raceAbort, withTimeout } from './run-helpers.js';

export interface ToolContext {
  readonly signal: AbortSignal;
  /** The stage context when the agent runs in a pipeline. */
  readonly context?: StageContext | undefined;
  readonly agent: string;
}

export interface ToolOptions<S extends z.ZodType> {
  /** What the model calls it: letters, digits, `_` and `-`. */
  readonly name: string;
  readonly description: string;
  /** Zod schema of the arguments (normally `z.object(...)`); sent to the model as JSON Schema. */
  readonly parameters: S;
  readonly execute: (args: z.infer<S>, context: ToolContext) => unknown;
  /** Per-call timeout. Default 30 000 ms. */
  readonly timeoutMs?: number;
}

/** A typed function an agent's model may call. */
export interface Tool<S extends z.ZodType = z.ZodType> {
  readonly kind: 'tool';
  readonly name: string;
  readonly description: string;
  readonly parameters: S;
  readonly timeoutMs: number;
  /** The parameters as JSON Schema, computed on first use. */
  readonly jsonSchema: Record<string, unknown>;
  /** Validates the arguments and runs the tool under its timeout and the run's signal. */
  call(args: unknown, context: ToolContext): Promise<unknown>;
}

const NAME = /^[a-zA-Z0-9_-]{1,64}$/;

export function tool<S extends z.ZodType>(options: ToolOptions<S>): Tool<S> {
  if (!NAME.test(options.name)) throw invalidInput('tool.name', 'letters, digits, _ or - (1-64 characters)', options.name);
  if (typeof options.execute !== 'function') throw invalidInput(`tool(${options.name}).execute`, 'a function', options.execute);
  const timeoutMs = options.timeoutMs ?? 30_000;
  let schema: Record<string, unknown> | undefined;
  return {
    kind: 'tool',
    name: options.name,
    description: options.description,
    parameters: options.parameters,
    timeoutMs,
    get jsonSchema() {
      if (!schema) {
        const { $schema: _ignored, ...rest } = z.toJSONSchema(options.parameters, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
        schema = rest;
      }
      return schema;
    },
    async call(args, context) {
      const parsed = options.parameters.safeParse(args);
      if (!parsed.success) {
        const issues = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(arguments)'}: ${issue.message}`).join('; ');
        throw new Error(`invalid arguments for ${options.name}: ${issues}`);
      }
      const signal = withTimeout(context.signal, timeoutMs)!;
      return raceAbort(
        Promise.resolve().then(() => options.execute(parsed.data as z.infer<S>, { ...context, signal })),
        signal,
      );
    },
  };
}

export function isTool(value: unknown): value is Tool {
  return typeof value === 'object' && value !== null && (value as Tool).kind === 'tool' && typeof (value as Tool).call === 'function';
}
