import { createRoute, z } from '@hono/zod-openapi';
import type { ServerApp, ServerContext } from '../context.js';
import { IDEMPOTENCY_HEADER, IdempotencyKeys } from '../idempotency.js';
import {
  ApproveSchema,
  CONFLICT,
  ListRunsQuerySchema,
  NOT_FOUND,
  PROBLEMS,
  ProblemSchema,
  RejectSchema,
  RunDetailSchema,
  RunIdParamSchema,
  RunListSchema,
  RunRequestSchema,
  RunSummarySchema,
  body,
  json,
} from '../schemas.js';
import { lastEventIdOf, runEventStream } from '../sse.js';
import { shownRun } from '../../pipeline/run-status.js';
import { listRuns, runDetail, runSummary, storedRun } from '../views.js';

const security = [{ bearer: [] }];
const tags = ['runs'];
const params = RunIdParamSchema;
const UNPROCESSABLE = { 422: { description: 'The Idempotency-Key was used with another body', content: { 'application/problem+json': { schema: ProblemSchema } } } } as const;

const start = createRoute({
  method: 'post',
  path: '/api/runs',
  tags,
  summary: 'Start a run of a registered pipeline (by name) or of a pipeline object',
  description:
    'Answers 201 as soon as the run has started; it goes on in the background (follow `links.events`, or read `links.self`). ' +
    'With an `Idempotency-Key` header, the same key and body answer the same run again (200, `Idempotent-Replayed: true`); the same key with another body is a 422 problem.',
  security,
  request: {
    headers: z.object({ 'idempotency-key': z.string().optional().openapi({ description: '1 to 255 printable ASCII characters' }) }),
    body: body(RunRequestSchema),
  },
  responses: {
    201: json(RunSummarySchema, 'The run has started'),
    200: json(RunSummarySchema, 'The run a previous request with this Idempotency-Key started'),
    ...NOT_FOUND,
    ...UNPROCESSABLE,
    ...PROBLEMS,
  },
});

const list = createRoute({
  method: 'get',
  path: '/api/runs',
  tags,
  summary: 'Runs, newest first',
  security,
  request: { query: ListRunsQuerySchema },
  responses: { 200: json(RunListSchema, 'A page of runs; pass `nextCursor` as `cursor` for the next'), ...PROBLEMS },
});

const show = createRoute({
  method: 'get',
  path: '/api/runs/{id}',
  tags,
  summary: 'One run: status, stages, history, output, approvals (pending ones too)',
  security,
  request: { params },
  responses: { 200: json(RunDetailSchema, 'The run'), ...NOT_FOUND, ...PROBLEMS },
});

const events = createRoute({
  method: 'get',
  path: '/api/runs/{id}/events',
  tags,
  summary: "The run's events as Server-Sent Events",
  description:
    'Each message: `id:` the event sequence number, `event:` its type (run.started, stage.started, stage.retry, stage.engine, stage.decision, stage.completed, stage.failed, stage.skipped, stage.waiting, run.finished), `data:` the event as JSON. ' +
    'Reconnect with `Last-Event-ID` (or `?lastEventId=`) to get only what came after it. The stream ends after `run.finished`; a comment line every 15 s keeps it open.',
  security,
  request: {
    params,
    headers: z.object({ 'last-event-id': z.string().optional() }),
    query: z.object({ lastEventId: z.string().optional() }),
  },
  responses: { 200: { description: 'The event stream', content: { 'text/event-stream': { schema: z.string() } } }, ...NOT_FOUND, ...PROBLEMS },
});

const decision = (path: 'approve' | 'reject') =>
  createRoute({
    method: 'post',
    path: `/api/runs/{id}/${path}`,
    tags,
    summary: path === 'approve' ? 'Approve a waiting run and resume it' : 'Reject a waiting run and resume it',
    description: 'The decision is recorded and the waiting stage runs again with it (context.approval); answers 202 once the run has resumed.',
    security,
    request: { params, body: { required: false, content: { 'application/json': { schema: path === 'approve' ? ApproveSchema : RejectSchema } } } },
    responses: { 202: json(RunSummarySchema, 'The run has resumed'), ...NOT_FOUND, ...CONFLICT, ...PROBLEMS },
  });

const approve = decision('approve');
const reject = decision('reject');

const cancel = createRoute({
  method: 'post',
  path: '/api/runs/{id}/cancel',
  tags,
  summary: 'Cancel a run',
  description: 'A run executing in this server is aborted and recorded `cancelled`; a waiting or interrupted one is marked `cancelled`. A finished run, or one running in another process, is a 409.',
  security,
  request: { params },
  responses: { 200: json(RunSummarySchema, 'The run after the cancellation'), ...NOT_FOUND, ...CONFLICT, ...PROBLEMS },
});

const resume = createRoute({
  method: 'post',
  path: '/api/runs/{id}/resume',
  tags,
  summary: 'Resume an interrupted, failed or cancelled run',
  description: 'Completed stages are not run again; answers 202 once the run has resumed.',
  security,
  request: { params },
  responses: { 202: json(RunSummarySchema, 'The run has resumed'), ...NOT_FOUND, ...CONFLICT, ...PROBLEMS },
});

/** The run routes: start, list, show, events, approve, reject, cancel, resume. */
export function runRoutes(app: ServerApp, context: ServerContext): void {
  const summaryOf = async (runId: string) => runSummary(await shownRun(context.store, await storedRun(context.store, runId)));

  app.openapi(start, async (c) => {
    const request = c.req.valid('json');
    const key = IdempotencyKeys.parse(c.req.header(IDEMPOTENCY_HEADER));
    const create = async () => {
      const webhook = request.webhook === undefined ? undefined : context.webhooks.check(request.webhook);
      const prepared = typeof request.pipeline === 'string' ? context.catalog.get(request.pipeline).prepared : await context.catalog.prepareInline(request.pipeline, 'pipeline');
      return context.runs.start(prepared, {
        ...(request.input !== undefined ? { input: request.input } : {}),
        ...(request.deadlineMs !== undefined ? { deadlineMs: request.deadlineMs } : {}),
        ...(webhook ? { webhook } : {}),
      });
    };
    const { runId, replayed } = key === undefined ? { runId: await create(), replayed: false } : await context.idempotency.run(c.get('principal'), key, request, create);
    const summary = await summaryOf(runId);
    c.header('location', summary.links.self);
    if (replayed) {
      c.header('idempotent-replayed', 'true');
      return c.json(summary, 200);
    }
    return c.json(summary, 201);
  });

  app.openapi(list, async (c) => c.json(await listRuns(context.store, c.req.valid('query')), 200));

  app.openapi(show, async (c) => c.json((await runDetail(context.store, c.req.valid('param').id)) as z.infer<typeof RunDetailSchema>, 200));

  app.openapi(events, async (c) => {
    const { id } = c.req.valid('param');
    const after = lastEventIdOf(c);
    await storedRun(context.store, id);
    return runEventStream(c, id, after, { store: context.store, broker: context.broker, keepAliveMs: context.keepAliveMs, pollMs: context.pollMs, closing: context.closing, log: context.log });
  });

  app.openapi(approve, async (c) => {
    const { id } = c.req.valid('param');
    const decision = c.req.valid('json');
    await context.runs.decide(id, true, decision);
    return c.json(await summaryOf(id), 202);
  });

  app.openapi(reject, async (c) => {
    const { id } = c.req.valid('param');
    const decision = c.req.valid('json');
    await context.runs.decide(id, false, decision);
    return c.json(await summaryOf(id), 202);
  });

  app.openapi(cancel, async (c) => {
    const { id } = c.req.valid('param');
    await context.runs.cancel(id);
    return c.json(await summaryOf(id), 200);
  });

  app.openapi(resume, async (c) => {
    const { id } = c.req.valid('param');
    await context.runs.resume(id);
    return c.json(await summaryOf(id), 202);
  });
}
