import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { didYouMean } from '../../did-you-mean.js';
import { SwitchyardError, isSwitchyardError } from '../../errors.js';
import type { PreparedPipeline } from '../../pipeline/validate.js';
import type { McpContext } from '../context.js';
import { answer, toolResult } from '../results.js';
import { errorSchema, issueSchema, runOutcomeSchema } from '../schemas.js';
import { describeOutcome } from './outcome.js';

const MAX_TIMER_MS = 2_147_483_647;

const pipelineArgument = z
  .union([z.string().min(1), z.record(z.string(), z.unknown())])
  .describe(
    'The name of a pipeline the server offers (its --pipelines folder), or a pipeline object ({ name, goal?, stages: [{ id?, type, task, ... }] }, as in a pipeline file) without `modules:`.',
  );

const validateOutput = z.object({
  valid: z.boolean(),
  name: z.string().optional(),
  goal: z.string().optional(),
  stages: z.array(z.object({ id: z.string(), type: z.string().describe('The engine, or `parallel` for a group.') })).optional(),
  warnings: z.array(z.string()).optional().describe('Old spellings the pipeline still uses.'),
  error: errorSchema.optional(),
  issues: z.array(issueSchema).optional().describe('Every problem found, each naming its path.'),
});

const runInput = z.strictObject({
  pipeline: pipelineArgument,
  input: z.unknown().optional().describe("The run input: the first stage's input and `input` in expressions."),
  wait: z.boolean().optional().describe('Wait for the run to finish (or to wait for an approval) and return its result; default false: return { runId, status } as soon as it is recorded.'),
  deadlineMs: z.number().int().positive().max(MAX_TIMER_MS).optional().describe("Overall deadline in milliseconds (overrides the pipeline's deadlineMs)."),
});

/**
 * The pipeline a tool names: one the server offers by name (validated at start, modules loaded then), or an inline
 * object, validated now. An inline pipeline may not load modules: a module is code, and only the operator's folders
 * may provide it (McpPipelines.inline refuses them).
 */
export async function pipelineFor(context: McpContext, pipeline: string | Record<string, unknown>): Promise<PreparedPipeline> {
  if (typeof pipeline !== 'string') return context.pipelines.inline(pipeline);
  const prepared = context.pipelines.get(pipeline);
  if (prepared) return prepared;
  const names = context.pipelines.names();
  const expected = names.length > 0 ? `the name of an offered pipeline (${names.join(', ')})` : 'a pipeline object (the server offers no pipelines by name: start it with --pipelines DIR)';
  throw new SwitchyardError('NOT_FOUND', `pipeline: expected ${expected}; got ${JSON.stringify(pipeline)}${didYouMean(pipeline, [...names])}`, { path: 'pipeline', expected, got: pipeline });
}

function stagesOf(prepared: PreparedPipeline): { id: string; type: string }[] {
  return prepared.steps.flatMap((s) => (s.kind === 'stage' ? [{ id: s.id, type: s.type }] : [{ id: s.id, type: 'parallel' }, ...s.branches.map((b) => ({ id: b.id, type: b.type }))]));
}

/** validate_pipeline and run_pipeline. */
export function registerPipelineTools(server: McpServer, context: McpContext): void {
  server.registerTool(
    'validate_pipeline',
    {
      title: 'Validate a pipeline',
      description:
        "Checks a pipeline without running it: the shape, every stage's engine and task (through its adapter's schema), expressions, failure paths. An invalid pipeline answers valid: false with every problem in issues, each naming its path.",
      inputSchema: z.strictObject({ pipeline: pipelineArgument }),
      outputSchema: validateOutput,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    ({ pipeline }) =>
      answer(async () => {
        let prepared: PreparedPipeline;
        try {
          prepared = await pipelineFor(context, pipeline);
        } catch (error) {
          // A pipeline with mistakes is an answer; an unknown name or a fault is the tool's error.
          if (!isSwitchyardError(error) || !error.isUserError || error.code === 'NOT_FOUND') throw error;
          const { issues, ...rest } = error.toJSON() as { issues?: unknown } & Record<string, unknown>;
          const found = issues ?? [{ path: error.path ?? '', message: error.message }];
          return toolResult(validateOutput, { valid: false, error: rest, issues: found }, `invalid pipeline: ${error.message}`);
        }
        const stages = stagesOf(prepared);
        return toolResult(
          validateOutput,
          { valid: true, name: prepared.name, ...(prepared.goal ? { goal: prepared.goal } : {}), stages, warnings: prepared.warnings, issues: [] },
          `valid pipeline "${prepared.name}" (${stages.map((s) => `${s.id}:${s.type}`).join(', ')})`,
        );
      }),
  );

  server.registerTool(
    'run_pipeline',
    {
      title: 'Run a pipeline',
      description:
        'Validates then runs a pipeline, each stage on its engine, recorded in the run store. Without wait it returns { runId, status: "running" } at once (follow it with get_run); with wait it returns the result. A run that stops at an approval ends "waiting": approve_run or reject_run continues it.',
      inputSchema: runInput,
      outputSchema: runOutcomeSchema,
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
    },
    ({ pipeline, input, wait, deadlineMs }, extra) =>
      answer(async () => {
        const prepared = await pipelineFor(context, pipeline);
        const outcome = await context.launcher.launch(
          (common) => context.hub.run(prepared, { ...common, ...(input !== undefined ? { input } : {}), ...(deadlineMs !== undefined ? { deadlineMs } : {}) }),
          wait === true,
          extra.signal,
        );
        return toolResult(runOutcomeSchema, outcome, describeOutcome(outcome));
      }),
  );
}
