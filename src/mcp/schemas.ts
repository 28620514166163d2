import { z } from 'zod';
import { RUN_STATUSES } from '../pipeline/run-status.js';

/**
 * The zod schemas of what the MCP tools return (their `outputSchema`). Each tool's structured content is parsed
 * through its schema before it is sent, so it holds exactly the fields listed here and always matches what the
 * tool advertises.
 */

const STAGE_STATUSES = ['pending', 'running', 'completed', 'failed', 'skipped', 'cancelled', 'waiting'] as const;

export const runStatusSchema = z.enum(RUN_STATUSES);
const stageStatusSchema = z.enum(STAGE_STATUSES);

export const errorSchema = z.object({
  code: z.string(),
  message: z.string(),
  path: z.string().optional(),
  details: z.record(z.string(), z.unknown()).optional(),
});

export const issueSchema = z.object({
  path: z.string().describe('Where the problem is, e.g. `stages[2].type` (empty for the document itself).'),
  message: z.string().describe('The whole line, starting with the path.'),
  expected: z.string().optional(),
  got: z.unknown().optional(),
  suggestion: z.string().optional().describe('The did-you-mean candidate.'),
});

const pendingApprovalInfo = {
  point: z.string().describe('The node or step asking for approval.'),
  message: z.string(),
  payload: z.unknown().optional().describe('The state the approver decides on.'),
};

export const pendingApprovalSchema = z.object({ stageId: z.string(), ...pendingApprovalInfo });

export const stageResultSchema = z.object({
  id: z.string(),
  type: z.string().describe('The engine, or `parallel` for a group.'),
  status: stageStatusSchema,
  output: z.unknown().optional(),
  error: errorSchema.optional(),
  attempts: z.number(),
  startedAt: z.string().optional(),
  endedAt: z.string().optional(),
  durationMs: z.number().optional(),
});

export const historyEntrySchema = z.object({
  stageId: z.string(),
  engine: z.string(),
  attempt: z.number(),
  startedAt: z.string(),
  endedAt: z.string(),
  durationMs: z.number(),
  outcome: z.string(),
  output: z.unknown().optional(),
  error: errorSchema.optional(),
  reasons: z.array(z.string()).optional(),
});

/** run_pipeline, approve_run, reject_run: `{ runId, status }` when started, or the whole result when waited for. */
export const runOutcomeSchema = z.object({
  runId: z.string(),
  status: runStatusSchema.describe('`running` when the call did not wait; else how the run ended (or `waiting` for an approval).'),
  pipeline: z.string().optional().describe('The pipeline name (waited-for results).'),
  stages: z.array(stageResultSchema).optional(),
  output: z.unknown().optional().describe('The output of the last completed stage.'),
  history: z.array(historyEntrySchema).optional(),
  data: z.record(z.string(), z.unknown()).optional().describe('The shared data bus at the end of the run.'),
  startedAt: z.string().optional(),
  endedAt: z.string().optional(),
  durationMs: z.number().optional(),
  error: errorSchema.optional(),
  pendingApproval: pendingApprovalSchema.optional().describe('Set while the run waits: approve or reject it with approve_run / reject_run.'),
});

export const runSummarySchema = z.object({
  runId: z.string(),
  pipelineName: z.string(),
  status: runStatusSchema,
  createdAt: z.string(),
  updatedAt: z.string(),
  error: errorSchema.optional(),
});

export const runRecordSchema = runSummarySchema.extend({
  pipelineFile: z.string().optional(),
  pipeline: z.unknown().optional().describe('The validated pipeline document the run was started with.'),
  input: z.unknown().optional(),
  output: z.unknown().optional(),
  data: z.record(z.string(), z.unknown()).optional(),
});

export const stageRecordSchema = z.object({
  stageId: z.string(),
  engine: z.string(),
  status: stageStatusSchema,
  attempts: z.number(),
  output: z.unknown().optional(),
  error: errorSchema.optional(),
  startedAt: z.string().optional(),
  endedAt: z.string().optional(),
  durationMs: z.number().optional(),
});

export const approvalRecordSchema = z.object({
  stageId: z.string(),
  approval: z.object(pendingApprovalInfo),
  createdAt: z.string(),
  decision: z
    .object({ approved: z.boolean(), data: z.record(z.string(), z.unknown()).optional(), reason: z.string().optional(), by: z.string().optional() })
    .optional()
    .describe('Absent while pending.'),
  decidedAt: z.string().optional(),
});

export const profileSummarySchema = z.object({
  type: z.string(),
  name: z.string(),
  summary: z.string(),
  complexity: z.string(),
  stateful: z.boolean(),
  routing: z.boolean(),
  scheduling: z.boolean(),
  strengths: z.array(z.string()),
  weaknesses: z.array(z.string()),
  bestFor: z.array(z.string()),
  useFor: z.array(z.string()),
  avoidFor: z.array(z.string()),
  overhead: z.object({ setupTime: z.string(), setupMs: z.array(z.number()), runtime: z.string(), overhead: z.string(), note: z.string().optional() }),
  taskTypes: z.array(z.string()),
});
