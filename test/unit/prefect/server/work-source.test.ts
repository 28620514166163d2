import { afterEach, describe, expect, it } from 'vitest';
import { PrefectClient, prefectWorkSource, type FlowRun, type PrefectWorkItem, type State, type StateType } from '../../../../adapters/prefect/server/index.js';
import { startRecorder, type Recorded, type Reply } from '../../../helpers/prefect-recorder.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function setup(answer: (req: Recorded, index: number) => Reply) {
  const recorder = await startRecorder(answer);
  const client = new PrefectClient({ url: recorder.url, backoffMs: 1, env: {} });
  cleanups.push(() => recorder.close(), () => client.close());
  return { recorder, client };
}

const state = (type: StateType, message?: string): State => ({ id: 's', type, name: type, ...(message ? { message } : {}) });
const flowRun = (id: string, extra: Partial<FlowRun> = {}): FlowRun => ({ id, name: `run-${id}`, flow_id: 'f', parameters: { pipeline: { name: 'p' } }, state: state('SCHEDULED'), ...extra });
const worker = { name: 'w1', heartbeatIntervalMs: 30_000 };
const item = (id: string): PrefectWorkItem => ({ id, name: `run-${id}`, label: `flow run run-${id}`, parameters: {}, runId: `prefect-${id}`, flowRun: flowRun(id) });

describe('prefectWorkSource (a Prefect work pool as a WorkSource)', () => {
  it('names a missing work pool with the command that creates it', async () => {
    const { client } = await setup(() => ({ status: 404, body: { detail: 'Work pool not found.' } }));
    await expect(prefectWorkSource({ client, pool: 'etl' }).open!(worker)).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: 'Prefect has no work pool "etl"; `switchyard deploy FILE --pool etl` creates it',
    });
  });

  it('heartbeats and polls get_scheduled_flow_runs with the prefetch window and queues, as work items', async () => {
    const { recorder, client } = await setup((req) =>
      req.url.endsWith('/get_scheduled_flow_runs') ? { status: 200, body: [{ work_pool_id: 'p', work_queue_id: 'q', flow_run: flowRun('a') }] } : { status: 204 },
    );
    const source = prefectWorkSource({ client, pool: 'etl', workQueues: ['fast'], prefetchMs: 60_000 });
    await source.heartbeat!(worker);
    const before = Date.now();
    const items = await source.poll(9);
    expect(recorder.requests[0]).toMatchObject({ url: '/api/work_pools/etl/workers/heartbeat', body: { name: 'w1', heartbeat_interval_seconds: 30 } });
    const body = recorder.requests[1]!.body as { scheduled_before: string; limit: number; work_queue_names: string[] };
    expect(body).toMatchObject({ limit: 9, work_queue_names: ['fast'] });
    expect(new Date(body.scheduled_before).getTime()).toBeGreaterThanOrEqual(before + 59_000);
    expect(items).toEqual([{ id: 'a', name: 'run-a', label: 'flow run run-a', parameters: { pipeline: { name: 'p' } }, runId: 'prefect-a', flowRun: flowRun('a') }]);
  });

  it('claims with PENDING and its mark; a refused proposal carrying our own mark is still ours', async () => {
    const replies: Reply[] = [
      { status: 201, body: { status: 'ACCEPT', state: state('PENDING', 'claimed by w1'), details: {} } },
      { status: 200, body: { status: 'ABORT', state: state('PENDING', 'claimed by w1'), details: { reason: 'already PENDING' } } },
      { status: 200, body: { status: 'ABORT', state: state('PENDING', 'claimed by w2'), details: { reason: 'This run is in a PENDING state and cannot transition to a PENDING state.' } } },
    ];
    const { recorder, client } = await setup((_req, i) => replies[i]!);
    const source = prefectWorkSource({ client, pool: 'etl' });
    expect(await source.claim(item('a'), worker)).toEqual({ ok: true });
    expect(await source.claim(item('a'), worker)).toEqual({ ok: true });
    expect(await source.claim(item('a'), worker)).toEqual({ ok: false, reason: 'This run is in a PENDING state and cannot transition to a PENDING state.' });
    expect(recorder.requests[0]).toMatchObject({ url: '/api/flow_runs/a/set_state', body: { state: { type: 'PENDING', message: 'claimed by w1' } } });
  });

  it('starts with RUNNING after sitting out WAIT, and releases to SCHEDULED', async () => {
    const replies: Reply[] = [
      { status: 200, body: { status: 'WAIT', state: null, details: { delay_seconds: 0, reason: 'Scheduled time is in the future' } } },
      { status: 201, body: { status: 'ACCEPT', state: state('RUNNING'), details: {} } },
      { status: 200, body: { status: 'REJECT', state: state('COMPLETED'), details: { reason: 'Run is already COMPLETED.' } } },
      { status: 201, body: { status: 'ACCEPT', state: state('SCHEDULED'), details: {} } },
    ];
    let proposals = 0;
    const { recorder, client } = await setup((req) => (req.url.endsWith('/set_state') ? replies[proposals++]! : { status: 204 }));
    const source = prefectWorkSource({ client, pool: 'etl' });
    const signal = new AbortController().signal;
    expect(await source.start(item('a'), worker, signal)).toEqual({ ok: true });
    expect(await source.start(item('b'), worker, signal)).toEqual({ ok: false, reason: 'Run is already COMPLETED.' });
    await source.release(item('b'), worker);
    // A started run carries the lease marker Prefect shows.
    expect(recorder.requests.find((r) => r.method === 'PATCH')).toMatchObject({ url: '/api/flow_runs/a/labels', body: { 'switchyard.lease': 'w1: run prefect-a leased in the switchyard run store' } });
    expect(recorder.requests.filter((r) => r.url.endsWith('/set_state')).map((r) => (r.body as { state: { type: string; message: string } }).state)).toEqual([
      { type: 'RUNNING', message: 'running on w1' },
      { type: 'RUNNING', message: 'running on w1' },
      { type: 'RUNNING', message: 'running on w1' },
      { type: 'SCHEDULED', message: 'released by w1' },
    ]);
  });

  it('sees CANCELLING and CANCELLED as a cancellation', async () => {
    const types: StateType[] = ['RUNNING', 'CANCELLING', 'CANCELLED'];
    const { client } = await setup((_req, i) => ({ status: 200, body: flowRun('a', { state: state(types[i]!) }) }));
    const source = prefectWorkSource({ client, pool: 'etl' });
    expect(await source.checkCancelled(item('a'))).toBeUndefined();
    expect(await source.checkCancelled(item('a'))).toBe('flow run cancelled in Prefect');
    expect(await source.checkCancelled(item('a'))).toBe('flow run cancelled in Prefect');
  });

  it('writes logs in one request and reports final states, storing results up to 256 KB', async () => {
    const { recorder, client } = await setup((req) => (req.url.endsWith('/logs/') ? { status: 201 } : { status: 201, body: { status: 'ACCEPT', state: state('COMPLETED'), details: {} } }));
    const source = prefectWorkSource({ client, pool: 'etl' });
    await source.writeLogs(item('a'), [
      { level: 'info', message: 'one', timestamp: '2026-01-01T00:00:00.000Z' },
      { level: 'warning', message: 'two', timestamp: '2026-01-01T00:00:01.000Z' },
      { level: 'error', message: 'three', timestamp: '2026-01-01T00:00:02.000Z' },
    ]);
    expect(recorder.requests[0]!.body).toEqual([
      { name: 'switchyard.worker', level: 20, message: 'one', timestamp: '2026-01-01T00:00:00.000Z', flow_run_id: 'a' },
      { name: 'switchyard.worker', level: 30, message: 'two', timestamp: '2026-01-01T00:00:01.000Z', flow_run_id: 'a' },
      { name: 'switchyard.worker', level: 40, message: 'three', timestamp: '2026-01-01T00:00:02.000Z', flow_run_id: 'a' },
    ]);
    await source.finish(item('a'), { state: 'COMPLETED', message: 'completed on w1', data: { result: 11 } });
    await source.finish(item('b'), { state: 'COMPLETED', message: 'completed on w1', data: { big: 'x'.repeat(300 * 1024) } });
    await source.finish(item('c'), { state: 'FAILED', message: 'boom' });
    const states = recorder.requests.slice(1).map((r) => (r.body as { state: unknown }).state);
    expect(states).toEqual([
      { type: 'COMPLETED', message: 'completed on w1', data: { result: 11 } },
      { type: 'COMPLETED', message: 'completed on w1' },
      { type: 'FAILED', message: 'boom' },
    ]);
  });
});
