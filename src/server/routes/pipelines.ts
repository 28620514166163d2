import { basename } from 'node:path';
import { createRoute, z } from '@hono/zod-openapi';
import type { CatalogEntry } from '../catalog.js';
import { stepsOf } from '../catalog.js';
import type { ServerApp, ServerContext } from '../context.js';
import { NOT_FOUND, PROBLEMS, PipelineDetailSchema, PipelineListSchema, PipelineObjectSchema, ValidateResultSchema, body, json } from '../schemas.js';

const security = [{ bearer: [] }];

const list = createRoute({
  method: 'get',
  path: '/api/pipelines',
  tags: ['pipelines'],
  summary: 'The pipelines the operator registered (the --pipelines folder)',
  security,
  responses: { 200: json(PipelineListSchema, 'Every registered pipeline, by name'), ...PROBLEMS },
});

const show = createRoute({
  method: 'get',
  path: '/api/pipelines/{name}',
  tags: ['pipelines'],
  summary: 'One registered pipeline: its stages and document',
  security,
  request: { params: z.object({ name: z.string().min(1).max(200).openapi({ param: { name: 'name', in: 'path' }, example: 'quickstart' }) }) },
  responses: { 200: json(PipelineDetailSchema, 'The pipeline'), ...NOT_FOUND, ...PROBLEMS },
});

const validate = createRoute({
  method: 'post',
  path: '/api/validate',
  tags: ['pipelines'],
  summary: 'Validate a pipeline object without running it',
  description: 'Answers 200 `{ ok: true, name, stages }` or `{ ok: false, issues }` with one issue per problem, each naming its path. `modules` is refused: a submitted pipeline may use only what the operator registered.',
  security,
  request: { body: body(PipelineObjectSchema) },
  responses: { 200: json(ValidateResultSchema, 'The outcome of the validation'), ...PROBLEMS },
});

const summary = (entry: CatalogEntry) => ({ name: entry.name, goal: entry.prepared.goal, file: basename(entry.file), stages: stepsOf(entry.prepared) });

/** `GET /api/pipelines`, `GET /api/pipelines/{name}`, `POST /api/validate`. */
export function pipelineRoutes(app: ServerApp, context: ServerContext): void {
  app.openapi(list, (c) => c.json({ pipelines: context.catalog.list().map(summary) }, 200));

  app.openapi(show, (c) => {
    const entry = context.catalog.get(c.req.valid('param').name);
    const document = JSON.parse(JSON.stringify(entry.prepared.document, (_key, value: unknown) => (typeof value === 'function' ? undefined : value))) as Record<string, unknown>;
    return c.json({ ...summary(entry), document }, 200);
  });

  app.openapi(validate, async (c) => {
    const result = await context.catalog.check(c.req.valid('json'));
    return c.json(result as z.infer<typeof ValidateResultSchema>, 200);
  });
}
