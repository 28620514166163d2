import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testServer, type TestServer } from '../../helpers/server.js';

let t: TestServer;
beforeAll(async () => {
  t = await testServer({ maxRunsInFlight: 3, rateLimit: false });
});
afterAll(() => t.close());

const json = async (response: Response) => (await response.json()) as Record<string, unknown>;

describe('POST /api/runs', () => {
  it('runs a registered pipeline by name: 201 as soon as it has started, then it completes in the background', async () => {
    const response = await t.post('/api/runs', { pipeline: 'echo', input: { hello: 'world' } });
    expect(response.status).toBe(201);
    const run = await json(response);
    expect(run).toMatchObject({ pipeline: 'echo', status: 'running', links: { self: `/api/runs/${run.runId as string}` } });
    expect(response.headers.get('location')).toBe(`/api/runs/${run.runId as string}`);
    const done = await t.waitFor(run.runId as string, ['completed']);
    expect(done).toMatchObject({ source: 'registered', input: { hello: 'world' }, output: { input: { hello: 'world' }, value: 'pong' }, pendingApprovals: [] });
    expect((done.stages as { stageId: string; status: string }[]).map((s) => [s.stageId, s.status])).toEqual([['echo', 'completed']]);
    expect((done.history as unknown[]).length).toBeGreaterThan(0);
  });

  it('registers a file without a name by its base name', async () => {
    const response = await t.post('/api/runs', { pipeline: 'nameless' });
    expect(response.status).toBe(201);
    await t.waitFor((await json(response)).runId as string, ['completed']);
  });

  it('an unknown pipeline name is a 404 problem naming the registered ones', async () => {
    const response = await t.post('/api/runs', { pipeline: 'ecko' });
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(await json(response)).toMatchObject({ status: 404, type: '/api/docs#problem-not-found', detail: expect.stringContaining('echo, nameless, pair, review, slow'), instance: '/api/runs' });
  });

  it('an inline pipeline may use the adapters and handlers the operator registered', async () => {
    const response = await t.post('/api/runs', { pipeline: { name: 'mine', stages: [{ id: 'loud', type: 'gate', task: { op: 'handler', handler: 'shout' } }] }, input: { text: 'hi' } });
    expect(response.status).toBe(201);
    const run = await t.waitFor((await json(response)).runId as string, ['completed']);
    expect(run).toMatchObject({ pipeline: 'mine', source: 'inline', output: { shouted: 'HI' } });
  });

  it('an inline pipeline with modules is refused: 400 problem naming pipeline.modules, and nothing runs', async () => {
    const before = (await t.store.listRuns({ limit: 1000 })).length;
    const response = await t.post('/api/runs', { pipeline: { name: 'evil', modules: ['./steps.ts'], stages: [{ type: 'gate', task: { op: 'echo' } }] } });
    expect(response.status).toBe(400);
    const problem = await json(response);
    expect(problem).toMatchObject({ status: 400, type: '/api/docs#problem-invalid-pipeline', issues: [{ path: 'pipeline.modules' }] });
    expect(problem.detail).toMatch(/^pipeline\.modules: /);
    expect((await t.store.listRuns({ limit: 1000 })).length).toBe(before);
  });

  it('an invalid inline pipeline is a 400 problem with every issue, paths under pipeline', async () => {
    const response = await t.post('/api/runs', { pipeline: { name: 'bad', stages: [{ type: 'gaet', task: {} }, { type: 'gate', task: { op: 'explode' } }] } });
    expect(response.status).toBe(400);
    const problem = await json(response);
    const issues = problem.issues as { path: string; message: string; suggestion?: string }[];
    expect(issues.map((i) => i.path)).toEqual(['pipeline.stages[0].type', 'pipeline.stages[1].task.op']);
    expect(issues[0]).toMatchObject({ suggestion: 'gate', message: expect.stringMatching(/^pipeline\.stages\[0\]\.type: expected one of .*gate/) });
    expect(JSON.stringify(problem)).not.toMatch(/\bat .*\.ts:\d+/);
  });

  it('a malformed request is a 400 problem naming each field', async () => {
    const response = await t.post('/api/runs', { pipelin: 'echo', deadlineMs: 'soon' });
    expect(response.status).toBe(400);
    const issues = (await json(response)).issues as { path: string; message: string }[];
    expect(issues.map((i) => i.path).sort()).toEqual(['deadlineMs', 'pipelin', 'pipeline']);
    expect(issues.find((i) => i.path === 'pipeline')?.message).toBe('pipeline: expected a registered pipeline name or a pipeline object; got nothing');
  });

  it('a body that is not JSON is a problem too (415 for another type, 400 for broken JSON)', async () => {
    const text = await t.server.request('/api/runs', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'echo' });
    expect(text.status).toBe(415);
    expect(text.headers.get('content-type')).toBe('application/problem+json');
    const broken = await t.server.request('/api/runs', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"pipeline":' });
    expect(broken.status).toBe(400);
    expect(broken.headers.get('content-type')).toBe('application/problem+json');
  });

  it('a deadline cancels the run', async () => {
    const response = await t.post('/api/runs', { pipeline: 'slow', input: { ms: 5000 }, deadlineMs: 50 });
    const run = await t.waitFor((await json(response)).runId as string, ['cancelled']);
    expect(run.error).toMatchObject({ code: 'TIMEOUT' });
  });
});

describe('Idempotency-Key', () => {
  it('the same key and body answer the same run (200, replayed); another body is a 422 problem', async () => {
    const key = { 'idempotency-key': `order-${Date.now()}` };
    const first = await t.post('/api/runs', { pipeline: 'echo', input: { n: 1, m: 2 } }, key);
    expect(first.status).toBe(201);
    const { runId } = await json(first);
    // the same body with its keys in another order is the same body
    const again = await t.post('/api/runs', { input: { m: 2, n: 1 }, pipeline: 'echo' }, key);
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect((await json(again)).runId).toBe(runId);
    const other = await t.post('/api/runs', { pipeline: 'echo', input: { n: 2 } }, key);
    expect(other.status).toBe(422);
    expect(await json(other)).toMatchObject({ status: 422, type: '/api/docs#problem-idempotency-key-reused' });
    expect((await t.store.listRuns({ limit: 1000 })).filter((r) => r.runId === runId)).toHaveLength(1);
  });

  it('concurrent requests with one key start one run', async () => {
    const key = { 'idempotency-key': `burst-${Date.now()}` };
    const answers = await Promise.all([1, 2, 3].map(() => t.post('/api/runs', { pipeline: 'echo' }, key)));
    const ids = await Promise.all(answers.map(async (a) => (await json(a)).runId));
    expect(new Set(ids).size).toBe(1);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 201]);
  });

  it('a request that failed can be retried with its key', async () => {
    const key = { 'idempotency-key': `retry-${Date.now()}` };
    expect((await t.post('/api/runs', { pipeline: 'nope' }, key)).status).toBe(404);
    expect((await t.post('/api/runs', { pipeline: 'nope' }, key)).status).toBe(404);
  });

  it('a key of control characters is a 400 problem', async () => {
    expect((await t.post('/api/runs', { pipeline: 'echo' }, { 'idempotency-key': 'x'.repeat(300) })).status).toBe(400);
  });
});

describe('runs in flight', () => {
  it('beyond the cap: 429 problem with Retry-After; cancel frees a slot', async () => {
    const started: string[] = [];
    for (let i = 0; i < 3; i++) {
      const response = await t.post('/api/runs', { pipeline: 'slow', input: { ms: 20_000 } });
      expect(response.status).toBe(201);
      started.push((await json(response)).runId as string);
    }
    const refused = await t.post('/api/runs', { pipeline: 'echo' });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await json(refused)).toMatchObject({ type: '/api/docs#problem-too-many-runs', retryAfter: 1 });
    expect(await json(await t.get('/api/health'))).toMatchObject({ runsInFlight: 3, maxRunsInFlight: 3 });

    for (const runId of started) {
      const cancelled = await t.post(`/api/runs/${runId}/cancel`);
      expect(cancelled.status).toBe(200);
      expect(await json(cancelled)).toMatchObject({ runId, status: 'cancelled' });
    }
    expect((await t.post('/api/runs', { pipeline: 'echo' })).status).toBe(201);
  });

  it('cancelling a finished run is a 409 problem; an unknown run a 404', async () => {
    const response = await t.post('/api/runs', { pipeline: 'echo' });
    const { runId } = await json(response);
    await t.waitFor(runId as string, ['completed']);
    const again = await t.post(`/api/runs/${runId as string}/cancel`);
    expect(again.status).toBe(409);
    expect(await json(again)).toMatchObject({ type: '/api/docs#problem-conflict' });
    expect((await t.post('/api/runs/no-such-run/cancel')).status).toBe(404);
    expect((await t.get('/api/runs/no-such-run')).status).toBe(404);
  });

  it('resume continues a cancelled run without rerunning what completed', async () => {
    const response = await t.post('/api/runs', { pipeline: 'slow', input: { ms: 20_000 } });
    const { runId } = await json(response);
    await t.post(`/api/runs/${runId as string}/cancel`);
    // the input says 20 s; resumed, the stage runs again: cancel it again to end the test quickly
    const resumed = await t.post(`/api/runs/${runId as string}/resume`);
    expect(resumed.status).toBe(202);
    expect(await json(resumed)).toMatchObject({ runId, status: 'running' });
    expect((await t.post(`/api/runs/${runId as string}/resume`)).status).toBe(409);
    await t.post(`/api/runs/${runId as string}/cancel`);
    await t.waitFor(runId as string, ['cancelled']);
  });
});

describe('approvals', () => {
  it('a waiting run lists its pending approval; approve resumes it and it completes with the decision', async () => {
    const response = await t.post('/api/runs', { pipeline: 'review', input: { build: 7 } });
    const { runId } = await json(response);
    const waiting = await t.waitFor(runId as string, ['waiting']);
    expect(waiting.pendingApprovals).toEqual([{ stageId: 'review', point: 'review', message: 'ship it?', payload: { ticks: 3 }, createdAt: expect.any(String) }]);

    const approved = await t.post(`/api/runs/${runId as string}/approve`, { data: { note: 'ok' }, by: 'ana' });
    expect(approved.status).toBe(202);
    const done = await t.waitFor(runId as string, ['completed']);
    expect(done.pendingApprovals).toEqual([]);
    expect((done.stages as { stageId: string; output?: unknown }[]).find((s) => s.stageId === 'review')?.output).toEqual({ approved: true, data: { note: 'ok' }, reason: null, by: 'ana' });
    expect(done.output).toMatchObject({ value: 'done' });
    expect((done.approvals as { decision?: unknown }[])[0]?.decision).toEqual({ approved: true, data: { note: 'ok' }, by: 'ana' });
  });

  it('reject resumes it with the rejection; approving a run that does not wait is a 409', async () => {
    const { runId } = await json(await t.post('/api/runs', { pipeline: 'review' }));
    await t.waitFor(runId as string, ['waiting']);
    expect((await t.post(`/api/runs/${runId as string}/reject`, { reason: 'not now' })).status).toBe(202);
    // A rejection ends the run failed with code REJECTED; the stage still saw the decision.
    const done = await t.waitFor(runId as string, ['failed']);
    expect((done.error as { code?: string } | undefined)?.code).toBe('REJECTED');
    expect((done.stages as { stageId: string; output?: unknown }[]).find((s) => s.stageId === 'review')?.output).toMatchObject({ approved: false, reason: 'not now' });
    const late = await t.post(`/api/runs/${runId as string}/approve`);
    expect(late.status).toBe(409);
    expect((await json(late)).detail).toBe(`run ${runId as string} is failed, not waiting for approval`);
  });

  it('a stage waiting on two approvals lists both; each is decided on its own and the run resumes after the last', async () => {
    const { runId } = await json(await t.post('/api/runs', { pipeline: 'pair' }));
    const waiting = await t.waitFor(runId as string, ['waiting']);
    expect(waiting.pendingApprovals).toMatchObject([
      { stageId: 'signoff', point: 'legal', approvalId: 'legal-1', message: 'legal ok?' },
      { stageId: 'signoff', point: 'security', approvalId: 'security-1', message: 'security ok?' },
    ]);
    expect((await t.post(`/api/runs/${runId as string}/approve`, { approvalId: 'legal-1', by: 'lee' })).status).toBe(202);
    const half = await t.waitFor(runId as string, ['waiting']);
    expect(half.pendingApprovals).toMatchObject([{ approvalId: 'security-1' }]);
    expect((await t.post(`/api/runs/${runId as string}/reject`, { point: 'security', reason: 'not yet' })).status).toBe(202);
    // One rejection among them ends the run REJECTED; the stage ran once with both decisions.
    const done = await t.waitFor(runId as string, ['failed']);
    expect((done.error as { code?: string } | undefined)?.code).toBe('REJECTED');
    const signoff = (done.stages as { stageId: string; output?: unknown }[]).find((s) => s.stageId === 'signoff');
    expect(signoff?.output).toMatchObject({ decisions: { 'legal-1': { approved: true, by: 'lee' }, 'security-1': { approved: false, reason: 'not yet' } } });
  });

  it('a wrong stage id is a 400 problem naming stageId; an unknown field in the decision too', async () => {
    const { runId } = await json(await t.post('/api/runs', { pipeline: 'review' }));
    await t.waitFor(runId as string, ['waiting']);
    const wrong = await t.post(`/api/runs/${runId as string}/approve`, { stageId: 'nope' });
    expect(wrong.status).toBe(400);
    expect((await json(wrong)).issues).toMatchObject([{ path: 'stageId' }]);
    const unknown = await t.post(`/api/runs/${runId as string}/approve`, { approve: true });
    expect(unknown.status).toBe(400);
    expect((await json(unknown)).issues).toMatchObject([{ path: 'approve', message: 'approve: unknown key' }]);
    expect((await t.get(`/api/runs/${runId as string}`)).status).toBe(200);
    await t.post(`/api/runs/${runId as string}/cancel`);
  });
});

describe('GET /api/runs', () => {
  it('lists newest first, filters by status and pipeline, pages with a cursor', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const { runId } = await json(await t.post('/api/runs', { pipeline: 'nameless' }));
      ids.push(runId as string);
      await t.waitFor(runId as string, ['completed']);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await json(await t.get(`/api/runs?pipeline=nameless&limit=2${cursor ? `&cursor=${cursor}` : ''}`));
      const runs = page.runs as { runId: string; pipeline: string; status: string }[];
      expect(runs.length).toBeLessThanOrEqual(2);
      for (const run of runs) expect(run.pipeline).toBe('nameless');
      seen.push(...runs.map((r) => r.runId));
      cursor = page.nextCursor as string | null;
    } while (cursor);
    expect(seen.slice(0, 5)).toEqual([...ids].reverse());
    expect(new Set(seen).size).toBe(seen.length);

    const completed = (await json(await t.get('/api/runs?status=completed&limit=1000'))).runs as { status: string }[];
    expect(completed.length).toBeGreaterThanOrEqual(5);
    expect(completed.every((r) => r.status === 'completed')).toBe(true);
  });

  it('a bad status, limit or cursor is a 400 problem naming it', async () => {
    expect((await json(await t.get('/api/runs?status=done'))).issues).toMatchObject([{ path: 'status' }]);
    expect((await json(await t.get('/api/runs?limit=0'))).issues).toMatchObject([{ path: 'limit' }]);
    expect((await json(await t.get('/api/runs?cursor=abc'))).issues).toMatchObject([{ path: 'cursor' }]);
  });
});
