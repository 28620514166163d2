import { z } from 'zod';
import { durationMs } from '../durations.js';
import { retrySchema } from '../retry.js';

// The one retry shape lives in src/retry.ts (stages, graph nodes, DAG nodes and model calls share it).
export { retrySchema };

/** A function in code or a JSONata expression (a string) in files. */
const expressionOr = <F>(description: string) =>
  z.union([z.string().min(1), z.custom<F>((value) => typeof value === 'function', { message: 'a function' })]).describe(description);

/** What a stage expression sees (JSONata: the input document; code: the function's argument). */
export interface ExpressionScope {
  /** The run's input. */
  readonly input: unknown;
  /** The output of the last completed stage (the run input before any). */
  readonly previous: unknown;
  /** Outputs of completed stages by stage id. */
  readonly outputs: Readonly<Record<string, unknown>>;
  /** The shared data bus. */
  readonly data: Readonly<Record<string, unknown>>;
  readonly goal: string;
}

export type InputFn = (scope: ExpressionScope) => unknown;
export type WhenFn = (scope: ExpressionScope) => unknown;

export const onFailureSchema = z
  .union([z.enum(['stop', 'continue']), z.strictObject({ goto: z.string().min(1).describe('Stage id to go to.') })])
  .describe('What to do when the stage fails after its retries: stop the run (default), continue, or go to a stage.');

export const requiresSchema = z.strictObject({
  state: z.boolean().optional(),
  routing: z.boolean().optional(),
  scheduling: z.boolean().optional(),
});

/** Code pipelines accept functions for `input` and `when`; files (and their JSON Schema) accept JSONata strings only. */
function buildSchemas(files: boolean) {
  const expr = (description: string) => (files ? z.string().min(1).describe(description) : expressionOr<InputFn>(description));
  const stageFields = {
    id: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, ".", "_" or "-"').describe('Stage id (default `<type>-<n>`).').optional(),
    description: z.string().describe('What the stage does; `auto` stages are recommended an engine from it.').optional(),
    input: expr('How to build the stage input: a JSONata expression over { input, previous, outputs, data, goal } (files) or a function (code). Default: the previous output.').optional(),
    when: expr('Run the stage only when this is truthy; otherwise it is skipped.').optional(),
    retry: retrySchema.describe('Retry the stage on failure, with backoff.').optional(),
    timeoutMs: durationMs().describe('Per-attempt timeout of the whole stage.').optional(),
    onFailure: onFailureSchema.optional(),
  };

  const stage = z
    .strictObject({
      ...stageFields,
      type: z.string().min(1).describe('The engine: one of the registered types, or `auto`.'),
      task: z.unknown().describe("The engine's task, validated by the adapter's taskSchema."),
      taskType: z.string().describe('`auto` stages: the task type for the selector (e.g. rag_workflow, approval_workflow).').optional(),
      requires: requiresSchema.describe('`auto` stages: what the task needs.').optional(),
    })
    .describe('One stage, run by one engine.');

  const group = z
    .strictObject({
      ...stageFields,
      parallel: z.array(stage).min(1).describe('Branches run at once; the group output is an object of branch outputs by id.'),
      concurrency: z.number().int().min(1).describe('How many branches run at a time (default: all).').optional(),
    })
    .describe('A fan-out of stages with a concurrency limit and fan-in of their results.');

  const step = z.union([group, stage]);

  const pipeline = z
    .looseObject({
      $schema: z.string().optional(),
      name: z.string().min(1).describe('Pipeline name (shown in runs list). Default: the file name without its extension, or `hybrid` for a pipeline given as an object.').optional(),
      goal: z.string().describe('What the run is for; every stage sees it.').optional(),
      description: z.string().optional(),
      modules: z.array(z.string().min(1)).describe('TS/JS files (relative to the pipeline file) whose default export registers agents, tools, handlers, graphs.').optional(),
      deadlineMs: durationMs().describe('Overall deadline for the run.').optional(),
      maxVisits: z.number().int().min(1).describe('Most times one stage may run in a run through `onFailure.goto` loops (default 10).').optional(),
      stages: z.array(step).min(1).describe('Stages in order.'),
    })
    .describe('A Switchyard pipeline: stages routed to orchestration engines. Adapters may declare further top-level keys (e.g. agents).');
  return { stage, group, step, pipeline };
}

const codeSchemas = buildSchemas(false);
const fileSchemas = buildSchemas(true);

export const stageSchema = codeSchemas.stage;
export const parallelGroupSchema = codeSchemas.group;
export const pipelineStepSchema = codeSchemas.step;
/** The pipeline as code or file: `input` and `when` may be functions in code. */
export const pipelineSchema = codeSchemas.pipeline;
/** The pipeline file shape (expressions are JSONata strings): the source of schemas/pipeline.schema.json. */
export const pipelineFileSchema = fileSchemas.pipeline;

export type { RetryPolicy } from '../retry.js';
export type OnFailure = z.infer<typeof onFailureSchema>;

/** The engines that come with switchyard, and `auto` (the selector picks one). */
export type BuiltinEngineType = 'agno' | 'langgraph' | 'llamaindex' | 'prefect' | 'auto';
declare const customEngine: unique symbol;
/** A type registered by users (`adapters: { 'my-engine': ... }` or a module): written `custom('my-engine')`. */
export type CustomEngineType = string & { readonly [customEngine]: true };
/** A stage's `type` in TypeScript: a built-in engine, or `custom(name)`; a misspelt built-in (`'langraph'`) does not compile. */
export type StageType = BuiltinEngineType | CustomEngineType;

/**
 * Marks the type of an engine registered by users, so typed pipelines accept it: `{ type: custom('my-engine') }`.
 * At run time it is the string itself (files just write `type: my-engine`).
 */
export function custom<const T extends string>(type: T): CustomEngineType {
  return type as unknown as CustomEngineType;
}

export type StageSpec = Omit<z.infer<typeof stageSchema>, 'type'> & { type: StageType };
export type ParallelGroupSpec = Omit<z.infer<typeof parallelGroupSchema>, 'parallel'> & { parallel: StageSpec[] };
export type PipelineStep = ParallelGroupSpec | StageSpec;
export type Pipeline = Omit<z.infer<typeof pipelineSchema>, 'stages'> & { stages: PipelineStep[] };

/** JSON Schema for pipeline files. */
export function pipelineJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(pipelineFileSchema, { io: 'input', target: 'draft-2020-12' }) as Record<string, unknown>;
}
