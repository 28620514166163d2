import { basename } from 'node:path';
import { createRoute } from '@hono/zod-openapi';
import { SwitchyardError } from '../../errors.js';
import { createScheduleRecord } from '../../schedule/records.js';
import { nextRunAt, parseDuration } from '../../schedule/timing.js';
import type { ScheduleRecord } from '../../store/types.js';
import type { ServerApp, ServerContext } from '../context.js';
import { problems } from '../problems.js';
import { CONFLICT, NOT_FOUND, PROBLEMS, ScheduleIdParamSchema, ScheduleListSchema, ScheduleRequestSchema, ScheduleSchema, body, json } from '../schemas.js';

const security = [{ bearer: [] }];
const tags = ['schedules'];
const params = ScheduleIdParamSchema;

const list = createRoute({
  method: 'get',
  path: '/api/schedules',
  tags,
  summary: 'Schedules in the run store',
  security,
  responses: { 200: json(ScheduleListSchema, 'Every schedule'), ...PROBLEMS },
});

const add = createRoute({
  method: 'post',
  path: '/api/schedules',
  tags,
  summary: 'Schedule a registered pipeline on a cron expression or an interval',
  description: 'Exactly one of `cron` (with an optional IANA `timezone`) or `every` (30s, 5m, 1h30m). Schedules fire while a scheduler runs (`switchyard serve --scheduler`, or `switchyard scheduler`).',
  security,
  request: { body: body(ScheduleRequestSchema) },
  responses: { 201: json(ScheduleSchema, 'The schedule'), ...NOT_FOUND, ...CONFLICT, ...PROBLEMS },
});

const change = (action: 'pause' | 'resume') =>
  createRoute({
    method: 'post',
    path: `/api/schedules/{id}/${action}`,
    tags,
    summary: action === 'pause' ? 'Stop firing a schedule (it stays in the store)' : 'Fire a paused schedule again, from its next time after now',
    security,
    request: { params },
    responses: { 200: json(ScheduleSchema, 'The schedule'), ...NOT_FOUND, ...PROBLEMS },
  });

const remove = createRoute({
  method: 'delete',
  path: '/api/schedules/{id}',
  tags,
  summary: 'Remove a schedule',
  security,
  request: { params },
  responses: { 204: { description: 'Removed' }, ...NOT_FOUND, ...PROBLEMS },
});

/** `GET|POST /api/schedules`, `POST /api/schedules/{id}/pause|resume`, `DELETE /api/schedules/{id}`. */
export function scheduleRoutes(app: ServerApp, context: ServerContext): void {
  const { store } = context;
  const reload = () => context.scheduler?.reload().catch((error: unknown) => context.log(`scheduler: reload failed: ${error instanceof Error ? error.message : String(error)}`));
  const existing = async (id: string): Promise<ScheduleRecord> => {
    const schedule = await store.getSchedule(id);
    if (!schedule) throw problems.notFound(`no schedule ${JSON.stringify(id)}`);
    return schedule;
  };

  /** A schedule as clients see it: its pipeline by registered name, its file by base name (no server paths). */
  const view = (schedule: ScheduleRecord) => ({ ...schedule, pipeline: context.catalog.byFile(schedule.pipelineFile)?.name ?? null, pipelineFile: basename(schedule.pipelineFile) });

  app.openapi(list, async (c) => c.json({ schedules: (await store.listSchedules()).map(view) }, 200));

  app.openapi(add, async (c) => {
    const request = c.req.valid('json');
    const entry = context.catalog.get(request.pipeline);
    if (request.cron === undefined && request.every === undefined) throw problems.invalid('cron', 'cron: expected a cron expression (cron) or an interval (every)');
    if (request.cron !== undefined && request.every !== undefined) throw problems.invalid('every', 'every: expected either cron or every, not both');
    const intervalMs = request.every === undefined ? undefined : parseDuration(request.every, 'every');
    const record = createScheduleRecord({
      pipelineFile: entry.file,
      ...(request.cron !== undefined ? { cron: request.cron } : {}),
      ...(request.timezone !== undefined ? { timezone: request.timezone } : {}),
      ...(intervalMs !== undefined ? { intervalMs } : {}),
      ...(request.input !== undefined ? { input: request.input } : {}),
      ...(request.id !== undefined ? { id: request.id } : {}),
      ...(request.overlap ? { overlap: request.overlap } : {}),
      ...(request.missed ? { missed: request.missed } : {}),
      paused: request.paused ?? false,
    });
    if (await store.getSchedule(record.id)) throw new SwitchyardError('CONFLICT', `schedule ${record.id} already exists (remove it first: DELETE /api/schedules/${record.id})`);
    await store.saveSchedule(record);
    await reload();
    c.header('location', `/api/schedules/${encodeURIComponent(record.id)}`);
    return c.json(view(record), 201);
  });

  for (const action of ['pause', 'resume'] as const) {
    app.openapi(change(action), async (c) => {
      const schedule = await existing(c.req.valid('param').id);
      const updated: ScheduleRecord = { ...schedule, paused: action === 'pause', ...(action === 'resume' ? { nextRunAt: nextRunAt(schedule, new Date()).toISOString() } : {}) };
      await store.saveSchedule(updated);
      await reload();
      return c.json(view(updated), 200);
    });
  }

  app.openapi(remove, async (c) => {
    const { id } = c.req.valid('param');
    await existing(id);
    await store.removeSchedule(id);
    await reload();
    return c.body(null, 204);
  });
}
