import { z } from '@hono/zod-openapi';
import { RUN_STATUSES } from '../pipeline/run-status.js';
import { PROBLEM_CONTENT_TYPE } from './problems.js';

/** The request and response bodies of the API: validation of what comes in, and the OpenAPI document. */

/** The longest delay a Node timer honours (2^31-1 ms). */
const MAX_TIMER_MS = 2_147_483_647;

export const IssueSchema = z
  .object({
    path: z.string().openapi({ example: 'pipeline.stages[0].type' }),
    message: z.string().openapi({ example: 'pipeline.stages[0].type: expected one of agno, langgraph, llamaindex, prefect, auto; got "langraph" (did you mean "langgraph"?)' }),
    expected: z.string().optional(),
    got: z.unknown().optional(),
    suggestion: z.string().optional(),
  })
  .openapi('Issue');

export const ProblemSchema = z
  .object({
    type: z.string().openapi({ example: '/api/docs#problem-not-found' }),
    title: z.string().openapi({ example: 'No such resource' }),
    status: z.number().int().openapi({ example: 404 }),
    detail: z.string().openapi({ example: 'no run "20261121-235812-a1b2c3d4e5"' }),
    instance: z.string().openapi({ example: '/api/runs/20261121-235812-a1b2c3d4e5' }),
    code: z.string().optional().openapi({ description: 'The SwitchyardError code, when the problem comes from one' }),
    issues: z.array(IssueSchema).optional(),
    correlationId: z.string().optional().openapi({ description: 'Sent with 500 problems: the id the server logged the error under' }),
    retryAfter: z.number().int().optional().openapi({ description: 'Seconds to wait (429), as in the Retry-After header' }),
  })
  .openapi('Problem');

const problem = (description: string) => ({ description, content: { [PROBLEM_CONTENT_TYPE]: { schema: ProblemSchema } } });

/** The problem answers most routes may give. */
export const PROBLEMS = {
  400: problem('The request is not valid: `issues` names each bad path'),
  401: problem('No valid API key: send `Authorization: Bearer <key>`'),
  413: problem('The body is larger than the limit'),
  429: problem('Rate limit or runs-in-flight cap reached: retry after `Retry-After` seconds'),
  500: problem('Unexpected error: quote `correlationId`'),
} as const;
export const NOT_FOUND = { 404: problem('No such resource') } as const;
export const CONFLICT = { 409: problem('The resource is in a state that does not allow this') } as const;

export const json = <T extends z.ZodType>(schema: T, description: string) => ({ description, content: { 'application/json': { schema } } });
export const body = <T extends z.ZodType>(schema: T, description?: string) => ({ required: true, ...(description ? { description } : {}), content: { 'application/json': { schema } } });

export const HealthSchema = z
  .object({
    status: z.literal('ok'),
    version: z.string(),
    auth: z.enum(['api-key', 'none']),
    pipelines: z.number().int(),
    runsInFlight: z.number().int(),
    maxRunsInFlight: z.number().int(),
    scheduler: z.boolean(),
  })
  .openapi('Health');

const StepSchema = z
  .object({
    id: z.string(),
    type: z.string(),
    branches: z.array(z.object({ id: z.string(), type: z.string() })).optional(),
  })
  .openapi('Step');

export const PipelineSummarySchema = z
  .object({
    name: z.string().openapi({ example: 'quickstart' }),
    goal: z.string(),
    file: z.string().openapi({ description: 'The file name in the pipelines folder', example: 'pipeline.yaml' }),
    stages: z.array(StepSchema),
  })
  .openapi('PipelineSummary');

export const PipelineDetailSchema = PipelineSummarySchema.extend({ document: z.record(z.string(), z.unknown()) }).openapi('Pipeline');

export const PipelineListSchema = z.object({ pipelines: z.array(PipelineSummarySchema) }).openapi('PipelineList');

export const PipelineObjectSchema = z
  .record(z.string(), z.unknown())
  .openapi('PipelineObject', {
    description: 'A pipeline document (see docs/pipelines.md and schemas/pipeline.schema.json); `modules` is refused',
    example: { name: 'echo', stages: [{ id: 'first', type: 'agno', task: { agents: ['tester'] } }] },
  });

export const ValidateResultSchema = z
  .object({
    ok: z.boolean(),
    name: z.string().optional(),
    stages: z.array(StepSchema).optional(),
    issues: z.array(IssueSchema),
  })
  .openapi('ValidateResult');

export const RunRequestSchema = z
  .object({
    pipeline: z.union([z.string().min(1).openapi({ description: 'A registered pipeline by name', example: 'quickstart' }), PipelineObjectSchema]),
    input: z.unknown().optional().openapi({ description: 'The run input: the first stage input and `input` in expressions' }),
    deadlineMs: z.number().int().min(1).max(MAX_TIMER_MS).optional().openapi({ description: 'Overall deadline in ms: the run ends cancelled (TIMEOUT) after it' }),
    webhook: z.string().max(2048).optional().openapi({ description: 'URL POSTed the result when the run finishes (signed; needs SWITCHYARD_WEBHOOK_SECRET on the server)' }),
  })
  .strict()
  .openapi('RunRequest');

const SerializedErrorSchema = z.object({ code: z.string(), message: z.string(), path: z.string().optional(), details: z.record(z.string(), z.unknown()).optional() }).openapi('RunError');

export const RunStatusSchema = z.enum(RUN_STATUSES).openapi('RunStatus');

export const RunSummarySchema = z
  .object({
    runId: z.string().openapi({ example: '20261121-235812-a1b2c3d4e5' }),
    pipeline: z.string(),
    status: RunStatusSchema,
    createdAt: z.string(),
    updatedAt: z.string(),
    error: SerializedErrorSchema.optional(),
    links: z.object({ self: z.string(), events: z.string() }),
  })
  .openapi('RunSummary');

export const RunDetailSchema = RunSummarySchema.extend({
  source: z.enum(['registered', 'inline']),
  input: z.unknown(),
  output: z.unknown(),
  data: z.record(z.string(), z.unknown()),
  stages: z.array(z.record(z.string(), z.unknown())),
  history: z.array(z.record(z.string(), z.unknown())),
  approvals: z.array(z.record(z.string(), z.unknown())),
  pendingApprovals: z.array(z.object({ stageId: z.string(), point: z.string(), approvalId: z.string().optional(), message: z.string(), payload: z.unknown(), createdAt: z.string() })),
}).openapi('Run');

export const RunListSchema = z.object({ runs: z.array(RunSummarySchema), nextCursor: z.string().nullable() }).openapi('RunList');

export const ListRunsQuerySchema = z.object({
  status: z.string().optional().openapi({ description: `One of ${RUN_STATUSES.join(', ')}` }),
  pipeline: z.string().optional().openapi({ description: 'Only runs of the pipeline with this name' }),
  limit: z.coerce.number().int().min(1).max(1000).optional().openapi({ description: 'Page size (default 20)' }),
  cursor: z.string().max(2000).optional().openapi({ description: '`nextCursor` of the previous page' }),
});

export const RunIdParamSchema = z.object({ id: z.string().min(1).max(200).openapi({ param: { name: 'id', in: 'path' }, example: '20261121-235812-a1b2c3d4e5' }) });

export const ApproveSchema = z
  .object({
    data: z.record(z.string(), z.unknown()).optional().openapi({ description: 'Handed to the stage with the approval (context.approval.data)' }),
    by: z.string().min(1).max(200).optional(),
    stageId: z.string().min(1).max(200).optional().openapi({ description: 'The waiting stage (needed only when several wait)' }),
    approvalId: z.string().min(1).max(200).optional().openapi({ description: 'When the stage waits on several approvals at once: the one to decide (pendingApprovals[i].approvalId)' }),
    point: z.string().min(1).max(200).optional().openapi({ description: '...or the approval point (node) to decide' }),
  })
  .strict()
  .openapi('Approval');

export const RejectSchema = z
  .object({
    reason: z.string().max(10_000).optional(),
    by: z.string().min(1).max(200).optional(),
    stageId: z.string().min(1).max(200).optional(),
    approvalId: z.string().min(1).max(200).optional(),
    point: z.string().min(1).max(200).optional(),
  })
  .strict()
  .openapi('Rejection');

export const ScheduleSchema = z
  .object({
    id: z.string(),
    pipeline: z.string().nullable().openapi({ description: 'The registered pipeline it runs (null: a file this server does not serve)' }),
    pipelineFile: z.string().openapi({ description: 'The file name of the pipeline' }),
    cron: z.string().optional(),
    intervalMs: z.number().int().optional(),
    timezone: z.string().optional(),
    input: z.unknown().optional(),
    paused: z.boolean(),
    overlap: z.enum(['skip', 'allow']),
    missed: z.enum(['skip', 'run-once']),
    createdAt: z.string(),
    lastRunAt: z.string().optional(),
    lastRunId: z.string().optional(),
    nextRunAt: z.string().optional(),
  })
  .openapi('Schedule');

export const ScheduleListSchema = z.object({ schedules: z.array(ScheduleSchema) }).openapi('ScheduleList');

export const ScheduleRequestSchema = z
  .object({
    pipeline: z.string().min(1).openapi({ description: 'A registered pipeline by name', example: 'nightly-etl' }),
    cron: z.string().min(1).max(200).optional().openapi({ example: '0 2 * * *' }),
    timezone: z.string().min(1).max(100).optional().openapi({ example: 'Europe/Paris' }),
    every: z.string().min(1).max(50).optional().openapi({ description: 'An interval instead of cron: 30s, 5m, 1h30m', example: '15m' }),
    input: z.unknown().optional(),
    id: z.string().min(1).max(100).optional(),
    overlap: z.enum(['skip', 'allow']).optional(),
    missed: z.enum(['skip', 'run-once']).optional(),
    paused: z.boolean().optional(),
  })
  .strict()
  .openapi('ScheduleRequest');

export const ScheduleIdParamSchema = z.object({ id: z.string().min(1).max(100).openapi({ param: { name: 'id', in: 'path' }, example: 'nightly-etl-3f2a1c' }) });

export const SelectRequestSchema = z
  .object({
    taskType: z.string().trim().min(1).max(200).openapi({ example: 'approval_workflow' }),
    requiresState: z.boolean().optional(),
    requiresRouting: z.boolean().optional(),
    requiresScheduling: z.boolean().optional(),
  })
  .strict()
  .openapi('SelectRequest');

export const SelectDecisionSchema = z.object({ type: z.string(), rule: z.string(), rulePath: z.array(z.string()) }).openapi('SelectDecision');

export const RecommendRequestSchema = z
  .object({ description: z.string().trim().min(1).max(10_000).openapi({ example: 'Need to analyze documents and get approval' }) })
  .strict()
  .openapi('RecommendRequest');

export const RecommendationSchema = z
  .object({
    type: z.string(),
    confidence: z.number(),
    score: z.number(),
    profile: z.record(z.string(), z.unknown()),
    reasons: z.array(z.record(z.string(), z.unknown())),
    alternatives: z.array(z.record(z.string(), z.unknown())),
    plan: z.array(z.record(z.string(), z.unknown())).optional(),
  })
  .openapi('Recommendation');

export const GuideSchema = z.record(z.string(), z.string()).openapi('Guide', { example: { 'RAG pipeline': 'llamaindex', 'Approval workflow': 'langgraph' } });

export const ProfilesSchema = z.object({ profiles: z.array(z.record(z.string(), z.unknown())) }).openapi('Profiles');
