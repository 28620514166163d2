import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testServer, type TestServer } from '../../helpers/server.js';

let t: TestServer;
beforeAll(async () => {
  t = await testServer({ rateLimit: false });
});
afterAll(() => t.close());

const json = async (response: Response) => (await response.json()) as Record<string, unknown>;

describe('schedules', () => {
  it('add, list, pause, resume and remove a schedule of a registered pipeline', async () => {
    const added = await t.post('/api/schedules', { pipeline: 'echo', cron: '0 2 * * *', timezone: 'Europe/Paris', id: 'nightly-echo', input: { day: 1 } });
    expect(added.status).toBe(201);
    expect(added.headers.get('location')).toBe('/api/schedules/nightly-echo');
    expect(await json(added)).toMatchObject({ id: 'nightly-echo', pipeline: 'echo', pipelineFile: 'echo.yaml', cron: '0 2 * * *', timezone: 'Europe/Paris', paused: false, overlap: 'skip', nextRunAt: expect.any(String) });
    expect((await t.store.getSchedule('nightly-echo'))?.pipelineFile).toMatch(/fixtures\/server\/pipelines\/echo\.yaml$/);

    const interval = await json(await t.post('/api/schedules', { pipeline: 'slow', every: '15m', paused: true }));
    expect(interval).toMatchObject({ pipeline: 'slow', intervalMs: 900_000, paused: true, id: expect.stringMatching(/^slow-[0-9a-f]{6}$/) });

    const { schedules } = (await json(await t.get('/api/schedules'))) as { schedules: { id: string }[] };
    expect(schedules.map((s) => s.id).sort()).toEqual(['nightly-echo', interval.id].sort());

    expect(await json(await t.post('/api/schedules/nightly-echo/pause'))).toMatchObject({ id: 'nightly-echo', paused: true });
    expect(await json(await t.post('/api/schedules/nightly-echo/resume'))).toMatchObject({ id: 'nightly-echo', paused: false });
    expect((await t.server.request('/api/schedules/nightly-echo', { method: 'DELETE' })).status).toBe(204);
    expect((await t.server.request('/api/schedules/nightly-echo', { method: 'DELETE' })).status).toBe(404);
    expect((await t.post('/api/schedules/nightly-echo/pause')).status).toBe(404);
  });

  it('refuses what the CLI refuses: a duplicate id (409), both or neither timing, a bad cron or zone, an unknown pipeline', async () => {
    expect((await t.post('/api/schedules', { pipeline: 'echo', every: '1h', id: 'twice' })).status).toBe(201);
    const duplicate = await t.post('/api/schedules', { pipeline: 'echo', every: '1h', id: 'twice' });
    expect(duplicate.status).toBe(409);
    expect((await json(await t.post('/api/schedules', { pipeline: 'echo' }))).issues).toMatchObject([{ path: 'cron' }]);
    expect((await json(await t.post('/api/schedules', { pipeline: 'echo', cron: '* * * * *', every: '1m' }))).issues).toMatchObject([{ path: 'every' }]);
    const cron = await t.post('/api/schedules', { pipeline: 'echo', cron: 'every day' });
    expect(cron.status).toBe(400);
    const zone = await t.post('/api/schedules', { pipeline: 'echo', cron: '0 2 * * *', timezone: 'Mars/Base' });
    expect(zone.status).toBe(400);
    expect((await json(zone)).detail).toMatch(/time zone/);
    expect((await t.post('/api/schedules', { pipeline: 'nope', every: '1m' })).status).toBe(404);
    expect((await t.post('/api/schedules', { pipeline: 'echo', every: 'often' })).status).toBe(400);
  });
});

describe('the embedded scheduler', () => {
  it('fires a schedule added through the API in the server process: its runs are API runs', async () => {
    const s = await testServer({ rateLimit: false, scheduler: { reloadMs: 100 } });
    try {
      expect(await json(await s.get('/api/health'))).toMatchObject({ scheduler: true });
      expect((await s.post('/api/schedules', { pipeline: 'echo', every: '500ms', id: 'often', input: { from: 'schedule' } })).status).toBe(201);
      let runs: { runId: string; pipeline: string; status: string }[] = [];
      const until = Date.now() + 10_000;
      while (runs.length === 0 && Date.now() < until) {
        await new Promise((r) => setTimeout(r, 100));
        runs = ((await json(await s.get('/api/runs?pipeline=echo'))).runs as typeof runs).filter((r) => r.status === 'completed');
      }
      expect(runs.length).toBeGreaterThan(0);
      expect(await json(await s.get(`/api/runs/${runs[0]!.runId}`))).toMatchObject({ source: 'registered', input: { from: 'schedule' }, output: { value: 'pong' } });
      expect((await s.post('/api/schedules/often/pause')).status).toBe(200);
    } finally {
      await s.close();
    }
  });
});
