import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryRunStore, type RunEvent } from 'switchyard';
import { readSse, testServer, type TestServer } from '../../helpers/server.js';

let t: TestServer;
const store = new MemoryRunStore();
beforeAll(async () => {
  t = await testServer({ store, rateLimit: false, pollMs: 20, keepAliveMs: 100 });
});
afterAll(async () => {
  await t.close();
  await store.close();
});

const startRun = async (body: unknown): Promise<string> => ((await (await t.post('/api/runs', body)).json()) as { runId: string }).runId;
const eventsOf = (messages: { data: string }[]) => messages.map((m) => JSON.parse(m.data) as RunEvent);

describe('GET /api/runs/{id}/events', () => {
  it('streams every event (id = seq, event = type) and ends after run.finished', async () => {
    const runId = await startRun({ pipeline: 'echo' });
    const response = await t.get(`/api/runs/${runId}/events`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const { messages } = await readSse(response);
    const events = eventsOf(messages);
    expect(events[0]?.type).toBe('run.started');
    expect(events.at(-1)).toMatchObject({ type: 'run.finished', status: 'completed' });
    expect(messages.map((m) => m.id)).toEqual(events.map((e) => String(e.seq)));
    expect(messages.map((m) => m.event)).toEqual(events.map((e) => e.type));
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
  });

  it('Last-Event-ID (header or query) gets only the events after it', async () => {
    const runId = await startRun({ pipeline: 'review' });
    await t.waitFor(runId, ['waiting']);
    const all = eventsOf((await readSse(await t.get(`/api/runs/${runId}/events`))).messages);
    expect(all.at(-1)).toMatchObject({ type: 'run.finished', status: 'waiting' });
    const rest = eventsOf((await readSse(await t.get(`/api/runs/${runId}/events`, { 'last-event-id': '3' }))).messages);
    expect(rest.map((e) => e.seq)).toEqual(all.filter((e) => e.seq > 3).map((e) => e.seq));
    const byQuery = eventsOf((await readSse(await t.get(`/api/runs/${runId}/events?lastEventId=3`))).messages);
    expect(byQuery).toEqual(rest);
    // caught up: nothing more, and the stream ends at once (the run waits)
    expect((await readSse(await t.get(`/api/runs/${runId}/events`, { 'last-event-id': String(all.at(-1)!.seq) }))).messages).toEqual([]);

    // approved, the run goes on: a reconnect gets the new execution's events, numbered on
    await t.post(`/api/runs/${runId}/approve`);
    const resumed = eventsOf((await readSse(await t.get(`/api/runs/${runId}/events`, { 'last-event-id': String(all.at(-1)!.seq) }))).messages);
    expect(resumed[0]).toMatchObject({ type: 'run.started', resumed: true, seq: all.at(-1)!.seq + 1 });
    expect(resumed.at(-1)).toMatchObject({ type: 'run.finished', status: 'completed' });
  });

  it('follows a run live: a stream opened while it runs gets the rest as it happens', async () => {
    const runId = await startRun({ pipeline: 'slow', input: { ms: 300 } });
    const started = Date.now();
    const events = eventsOf((await readSse(await t.get(`/api/runs/${runId}/events`))).messages);
    expect(Date.now() - started).toBeGreaterThanOrEqual(200);
    expect(events.map((e) => e.type)).toEqual(['run.started', 'stage.started', 'stage.engine', 'stage.completed', 'run.finished']);
  });

  it("polls the store for a run of another process, with keep-alive comments while it is quiet, until run.finished", async () => {
    const runId = 'other-process-run';
    const now = new Date().toISOString();
    await store.createRun({ runId, pipelineName: 'elsewhere', pipeline: {}, input: null, status: 'running', createdAt: now, updatedAt: now, pid: process.pid });
    const event = (seq: number, type: string, extra: Record<string, unknown> = {}) => ({ runId, seq, at: Date.now(), type, ...extra }) as unknown as RunEvent;
    await store.appendEvents([event(1, 'run.started', { pipeline: 'elsewhere', resumed: false })]);
    const reading = t.get(`/api/runs/${runId}/events`).then(readSse);
    await new Promise((r) => setTimeout(r, 250));
    await store.appendEvents([event(2, 'stage.started', { stageId: 's', engine: 'x', attempt: 1 })]);
    await new Promise((r) => setTimeout(r, 50));
    await store.updateRun(runId, { status: 'completed' });
    await store.appendEvents([event(3, 'run.finished', { status: 'completed', durationMs: 1 })]);
    const { messages, comments } = await reading;
    expect(eventsOf(messages).map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(comments).toContain('keep-alive');
  });

  it('an unknown run is a 404 problem; a bad Last-Event-ID a 400', async () => {
    expect((await t.get('/api/runs/nope/events')).status).toBe(404);
    const runId = await startRun({ pipeline: 'echo' });
    const bad = await t.get(`/api/runs/${runId}/events`, { 'last-event-id': 'abc' });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toBe('application/problem+json');
  });

  it('open streams end when the server closes', async () => {
    const other = await testServer({ rateLimit: false, keepAliveMs: 50 });
    const now = new Date().toISOString();
    await other.store.createRun({ runId: 'forever', pipelineName: 'x', pipeline: {}, input: null, status: 'running', createdAt: now, updatedAt: now, pid: process.pid });
    const reading = other.get('/api/runs/forever/events').then(readSse);
    await new Promise((r) => setTimeout(r, 100));
    await other.close();
    expect((await reading).messages).toEqual([]);
  });
});
