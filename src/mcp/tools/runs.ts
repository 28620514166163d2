import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { SwitchyardError } from '../../errors.js';
import type { ResumeOptions } from '../../pipeline/orchestrator.js';
import type { PipelineResult } from '../../pipeline/result.js';
import { RUN_STATUSES, listRunsShown, shownRun } from '../../pipeline/run-status.js';
import type { RunRecord, RunStore } from '../../store/types.js';
import type { McpContext } from '../context.js';
import type { LaunchOptions } from '../launcher.js';
import { answer, toolResult } from '../results.js';
import { approvalRecordSchema, historyEntrySchema, runRecordSchema, runOutcomeSchema, runSummarySchema, stageRecordSchema } from '../schemas.js';
import { describeOutcome } from './outcome.js';

const runId = z.string().min(1).describe('The run id, e.g. 20261121-235812-a1b2c3d4e5 (run_pipeline and list_runs give it).');

const getRunOutput = z.object({
  run: runRecordSchema,
  stages: z.array(stageRecordSchema),
  history: z.array(historyEntrySchema),
  approvals: z.array(approvalRecordSchema),
  events: z.array(z.record(z.string(), z.unknown())).optional().describe('Every event of the run (with events: true).'),
});

const listRunsOutput = z.object({ runs: z.array(runSummarySchema).describe('Newest first.') });

const decisionFields = {
  runId,
  stageId: z.string().min(1).optional().describe('The waiting stage (needed only when several wait).'),
  by: z.string().min(1).optional().describe('Who decided.'),
  wait: z.boolean().optional().describe('Wait for the resumed run to finish and return its result; default false: return { runId, status } once it is going again.'),
};

const approveInput = z.strictObject({
  ...decisionFields,
  data: z.record(z.string(), z.unknown()).optional().describe('Handed to the stage with the approval (a graph merges it into its state).'),
});

const rejectInput = z.strictObject({ ...decisionFields, reason: z.string().min(1).optional().describe('Why.') });

async function storedRun(context: McpContext, id: string): Promise<{ store: RunStore; run: RunRecord }> {
  const store = await context.existingStore();
  const run = await store?.getRun(id);
  if (!store || !run) throw new SwitchyardError('NOT_FOUND', `runId: expected the id of a run in the run store; got ${JSON.stringify(id)} (list_runs shows them)`, { path: 'runId', got: id });
  return { store, run: await shownRun(store, run) };
}

/**
 * What approve_run and reject_run share: the run must exist and the named stage must be waiting (checked here so
 * the error names the tool's own fields). It continues with the pipeline the catalog gives for it: the offered one
 * for an offered file (its modules are not loaded again), an inline one validated again as inline.
 */
async function decide(context: McpContext, args: { runId: string; stageId?: string | undefined; wait?: boolean | undefined }, signal: AbortSignal, go: (common: ResumeOptions & LaunchOptions) => Promise<PipelineResult>) {
  const { store, run } = await storedRun(context, args.runId);
  if (args.stageId !== undefined && run.status === 'waiting') {
    const pending = (await store.listApprovals(run.runId)).filter((a) => a.decision === undefined).map((a) => a.stageId);
    if (!pending.includes(args.stageId)) throw new SwitchyardError('INVALID_INPUT', `stageId: expected one of ${pending.join(', ') || '(no pending approvals)'}; got ${JSON.stringify(args.stageId)}`, { path: 'stageId', got: args.stageId });
  }
  const pipeline = await context.pipelines.forRun(run);
  const outcome = await context.launcher.launch((common) => go({ ...common, ...(pipeline ? { pipeline } : {}) }), args.wait === true, signal);
  return toolResult(runOutcomeSchema, outcome, describeOutcome(outcome));
}

/** get_run, list_runs (the run store) and approve_run, reject_run (the hub). */
export function registerRunTools(server: McpServer, context: McpContext): void {
  server.registerTool(
    'get_run',
    {
      title: 'Show a run',
      description: "One run from the run store: its status, input, output and error, each stage's result, the history, the approvals (pending and decided), and with events: true every event.",
      inputSchema: z.strictObject({ runId, events: z.boolean().optional().describe('Include every event of the run.') }),
      outputSchema: getRunOutput,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    ({ runId: id, events }) =>
      answer(async () => {
        const { store, run } = await storedRun(context, id);
        const [stages, history, approvals, all] = await Promise.all([store.listStages(id), store.listHistory(id), store.listApprovals(id), events ? store.listEvents(id) : undefined]);
        const pending = approvals.find((a) => a.decision === undefined && run.status === 'waiting');
        const summary = `run ${id} (${run.pipelineName}): ${run.status}${pending ? `, waiting for approval at ${pending.stageId}: ${pending.approval.message}` : ''}${run.error ? `; error: ${run.error.code}: ${run.error.message}` : ''}`;
        return toolResult(getRunOutput, { run, stages, history, approvals, ...(all ? { events: all } : {}) }, summary);
      }),
  );

  server.registerTool(
    'list_runs',
    {
      title: 'List runs',
      description: 'Recent runs in the run store, newest first; `interrupted` is a run whose process died (resumable).',
      inputSchema: z.strictObject({
        status: z.enum(RUN_STATUSES).optional().describe('Only runs with this status.'),
        limit: z.number().int().min(1).max(1000).optional().describe('How many (default 20).'),
      }),
      outputSchema: listRunsOutput,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    ({ status, limit }) =>
      answer(async () => {
        const store = await context.existingStore();
        const runs = store ? await listRunsShown(store, { limit: limit ?? 20, ...(status ? { status } : {}) }) : [];
        return toolResult(listRunsOutput, { runs }, runs.length === 0 ? 'no runs' : `${runs.length} run(s)`);
      }),
  );

  server.registerTool(
    'approve_run',
    {
      title: 'Approve a waiting run',
      description: 'Records the approval of a run waiting at an approval and resumes it in the server: the waiting stage runs again with the decision, then the rest of the pipeline.',
      inputSchema: approveInput,
      outputSchema: runOutcomeSchema,
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
    },
    (args, extra) =>
      answer(() =>
        decide(context, args, extra.signal, (common) =>
          context.hub.approve(args.runId, { ...common, ...(args.stageId ? { stageId: args.stageId } : {}), ...(args.data ? { data: args.data } : {}), ...(args.by ? { by: args.by } : {}) }),
        ),
      ),
  );

  server.registerTool(
    'reject_run',
    {
      title: 'Reject a waiting run',
      description: 'Records the rejection of a run waiting at an approval and resumes it: the stage sees approved: false (a graph typically routes to its end), then the pipeline continues.',
      inputSchema: rejectInput,
      outputSchema: runOutcomeSchema,
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
    },
    (args, extra) =>
      answer(() =>
        decide(context, args, extra.signal, (common) =>
          context.hub.reject(args.runId, { ...common, ...(args.stageId ? { stageId: args.stageId } : {}), ...(args.reason ? { reason: args.reason } : {}), ...(args.by ? { by: args.by } : {}) }),
        ),
      ),
  );
}
