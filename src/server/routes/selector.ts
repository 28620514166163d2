import { createRoute, z } from '@hono/zod-openapi';
import { profileSummary } from '../../selector/load.js';
import type { ServerApp, ServerContext } from '../context.js';
import { GuideSchema, PROBLEMS, ProfilesSchema, RecommendRequestSchema, RecommendationSchema, SelectDecisionSchema, SelectRequestSchema, body, json } from '../schemas.js';

const security = [{ bearer: [] }];
const tags = ['selector'];

const select = createRoute({
  method: 'post',
  path: '/api/select',
  tags,
  summary: 'Pick an engine from a task type and required capabilities (the decision tree)',
  security,
  request: { body: body(SelectRequestSchema) },
  responses: { 200: json(SelectDecisionSchema, '`{ type, rule, rulePath }`: the engine and every rule tried'), ...PROBLEMS },
});

const recommend = createRoute({
  method: 'post',
  path: '/api/recommend',
  tags,
  summary: 'Recommend an engine (and a plan) for a description in words',
  security,
  request: { body: body(RecommendRequestSchema) },
  responses: { 200: json(RecommendationSchema, 'The recommendation with its reasons and alternatives'), ...PROBLEMS },
});

const guide = createRoute({
  method: 'get',
  path: '/api/guide',
  tags,
  summary: 'The quick-reference guide: which engine fits which kind of task',
  security,
  responses: { 200: json(GuideSchema, '`{ "<task>": "<engine>" }`'), ...PROBLEMS },
});

const profiles = createRoute({
  method: 'get',
  path: '/api/profiles',
  tags,
  summary: "The engines' profiles",
  security,
  responses: { 200: json(ProfilesSchema, 'Every profile (without the recommender vocabulary)'), ...PROBLEMS },
});

/** `POST /api/select`, `POST /api/recommend`, `GET /api/guide`, `GET /api/profiles`: the selector, offline and deterministic. */
export function selectorRoutes(app: ServerApp, context: ServerContext): void {
  const { selector } = context;

  app.openapi(select, (c) => {
    const request = c.req.valid('json');
    const decision = selector.select({
      taskType: request.taskType,
      requiresState: request.requiresState === true,
      requiresRouting: request.requiresRouting === true,
      requiresScheduling: request.requiresScheduling === true,
    });
    return c.json({ type: decision.type, rule: decision.rule, rulePath: [...decision.rulePath] }, 200);
  });

  app.openapi(recommend, (c) => {
    const result = selector.recommend(c.req.valid('json').description);
    return c.json({ ...result, profile: profileSummary(result.profile) } as unknown as z.infer<typeof RecommendationSchema>, 200);
  });

  app.openapi(guide, (c) => c.json(selector.guide(), 200));

  app.openapi(profiles, (c) => c.json({ profiles: Object.values(selector.listAllProfiles()).map(profileSummary) }, 200));
}
