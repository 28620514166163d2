import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpenAPIHono } from '@hono/zod-openapi';
import { SwitchyardError } from 'switchyard';
import type { ServerEnv } from '../../../src/server/index.js';
import { testServer, type TestServer } from '../../helpers/server.js';

let t: TestServer;
beforeAll(async () => {
  t = await testServer({ rateLimit: false });
});
afterAll(() => t.close());

const json = async (response: Response) => (await response.json()) as Record<string, unknown>;

describe('pipelines and validation', () => {
  it('GET /api/pipelines lists the registered pipelines by name with their stages', async () => {
    const { pipelines } = (await json(await t.get('/api/pipelines'))) as { pipelines: { name: string; file: string; stages: unknown[] }[] };
    expect(pipelines.map((p) => p.name)).toEqual(['echo', 'nameless', 'pair', 'review', 'slow']);
    expect(pipelines.find((p) => p.name === 'review')).toEqual({
      name: 'review',
      goal: 'Ask a human, then answer with the decision',
      file: 'review.yaml',
      stages: [
        { id: 'chatter', type: 'gate' },
        { id: 'review', type: 'gate' },
        { id: 'after', type: 'gate' },
      ],
    });
  });

  it('GET /api/pipelines/{name} shows one with its document; an unknown one is a 404 problem', async () => {
    expect(await json(await t.get('/api/pipelines/echo'))).toMatchObject({ name: 'echo', document: { name: 'echo', modules: ['./steps.ts'] } });
    const missing = await t.get('/api/pipelines/nope');
    expect(missing.status).toBe(404);
    expect((await json(missing)).detail).toBe('no pipeline named "nope" (registered: echo, nameless, pair, review, slow)');
  });

  it('POST /api/validate answers { ok, issues } with every issue named by its path', async () => {
    expect(await json(await t.post('/api/validate', { name: 'fine', stages: [{ type: 'gate', task: { op: 'echo' } }] }))).toEqual({ ok: true, name: 'fine', stages: [{ id: 'gate-1', type: 'gate' }], issues: [] });
    const bad = await json(await t.post('/api/validate', { name: 'bad', stages: [{ type: 'gate', task: { op: 'echo' }, timeoutMS: 5 }, { type: 'langraph', task: {} }] }));
    expect(bad.ok).toBe(false);
    expect((bad.issues as { path: string; suggestion?: string }[]).map((i) => [i.path, i.suggestion])).toEqual([
      ['stages[0].timeoutMS', 'timeoutMs'],
      ['stages[1].type', 'langgraph'],
    ]);
    const modules = await json(await t.post('/api/validate', { name: 'm', modules: ['./steps.ts'], stages: [{ type: 'gate', task: { op: 'echo' } }] }));
    expect(modules).toMatchObject({ ok: false, issues: [{ path: 'modules' }] });
  });
});

describe('the selector', () => {
  it('POST /api/select decides like selectOrchestrator', async () => {
    expect(await json(await t.post('/api/select', { taskType: 'approval_workflow', requiresState: true, requiresRouting: true }))).toMatchObject({ type: 'langgraph', rule: 'task-type' });
    const bad = await t.post('/api/select', { taskType: '  ' });
    expect(bad.status).toBe(400);
    expect((await json(bad)).issues).toMatchObject([{ path: 'taskType' }]);
  });

  it('POST /api/recommend, GET /api/guide, GET /api/profiles', async () => {
    const recommendation = await json(await t.post('/api/recommend', { description: 'Need to analyze documents and get approval' }));
    expect(recommendation).toMatchObject({ type: 'llamaindex', profile: { type: 'llamaindex' } });
    expect(recommendation.profile).not.toHaveProperty('intents');
    expect(await json(await t.get('/api/guide'))).toMatchObject({ 'RAG pipeline': 'llamaindex' });
    const { profiles } = (await json(await t.get('/api/profiles'))) as { profiles: { type: string }[] };
    expect(profiles.map((p) => p.type)).toEqual(expect.arrayContaining(['agno', 'langgraph', 'llamaindex', 'prefect']));
  });
});

describe('documents', () => {
  it('GET /api/openapi.json is an OpenAPI 3.1 document of every route, with bearer security', async () => {
    const doc = (await json(await t.get('/api/openapi.json'))) as { openapi: string; paths: Record<string, Record<string, { security?: unknown }>>; components: { securitySchemes: unknown; schemas: Record<string, unknown> } };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths).sort()).toEqual(
      [
        '/api/guide',
        '/api/health',
        '/api/pipelines',
        '/api/pipelines/{name}',
        '/api/profiles',
        '/api/recommend',
        '/api/runs',
        '/api/runs/{id}',
        '/api/runs/{id}/approve',
        '/api/runs/{id}/cancel',
        '/api/runs/{id}/events',
        '/api/runs/{id}/reject',
        '/api/runs/{id}/resume',
        '/api/schedules',
        '/api/schedules/{id}',
        '/api/schedules/{id}/pause',
        '/api/schedules/{id}/resume',
        '/api/select',
        '/api/validate',
      ].sort(),
    );
    expect(Object.keys(doc.paths['/api/runs']!).sort()).toEqual(['get', 'post']);
    expect(doc.paths['/api/runs']!.post!.security).toEqual([{ bearer: [] }]);
    expect(doc.paths['/api/health']!.get!.security).toBeUndefined();
    expect(doc.components.securitySchemes).toMatchObject({ bearer: { type: 'http', scheme: 'bearer' } });
    expect(Object.keys(doc.components.schemas)).toEqual(expect.arrayContaining(['Problem', 'RunRequest', 'Run', 'RunSummary', 'Schedule']));
  });

  it('GET /api/docs is a self-contained page: every route and problem type, no outside assets', async () => {
    const response = await t.get('/api/docs');
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(response.headers.get('content-security-policy')).toBe("default-src 'none'; style-src 'unsafe-inline'");
    const html = await response.text();
    expect(html).toContain('/api/runs/{id}/events');
    expect(html).toContain('id="problem-rate-limited"');
    expect(html).not.toMatch(/<(script|link)\b|src=|https?:\/\//);
  });

  it('GET / points to the docs until something else is mounted there', async () => {
    expect(await json(await t.get('/'))).toMatchObject({ name: 'switchyard', docs: '/api/docs', openapi: '/api/openapi.json' });
  });
});

describe('errors', () => {
  it('an unknown route is a 404 problem; every answer has a request id', async () => {
    const response = await t.get('/api/nothing-here');
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(await json(response)).toMatchObject({ type: '/api/docs#problem-not-found', title: 'No such resource', status: 404, instance: '/api/nothing-here' });
  });

  it('routes mounted on the server share its guard and problems; a fault is a 500 problem with a correlation id and no stack', async () => {
    const keyed = await testServer({ apiKeys: ['k-mounted-0123456789abcdef'], rateLimit: false });
    try {
      const extra = new OpenAPIHono<ServerEnv>();
      extra.use('*', ...keyed.server.context.guard);
      extra.get('/boom', () => {
        throw new Error('secret detail at /srv/app/x.ts:12');
      });
      extra.get('/user-error', () => {
        throw new SwitchyardError('CONFLICT', 'busy right now');
      });
      keyed.server.route('/mcp', extra);
      expect((await keyed.get('/mcp/boom')).status).toBe(401);
      const auth = { authorization: 'Bearer k-mounted-0123456789abcdef' };
      const boom = await keyed.get('/mcp/boom', auth);
      expect(boom.status).toBe(500);
      const problem = await json(boom);
      expect(problem).toMatchObject({ type: '/api/docs#problem-internal', status: 500, correlationId: boom.headers.get('x-request-id') });
      expect(JSON.stringify(problem)).not.toContain('secret detail');
      expect(keyed.logs.join('\n')).toContain(`[${String(problem.correlationId)}]`);
      expect(keyed.logs.join('\n')).toContain('secret detail');
      expect(await json(await keyed.get('/mcp/user-error', auth))).toMatchObject({ status: 409, code: 'CONFLICT', detail: 'busy right now' });
    } finally {
      await keyed.close();
    }
  });
});
