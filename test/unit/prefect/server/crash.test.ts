import { afterEach, describe, expect, it } from 'vitest';
import { MemoryRunStore } from '../../../../src/store/memory.js';
import { Worker, leaseCheckOf } from '../../../../src/worker/index.js';
import type { RunRecord } from '../../../../src/store/types.js';
import { PrefectClient, prefectWorkSource, type FlowRun, type PrefectWorkItem, type State, type StateType } from '../../../../adapters/prefect/server/index.js';
import { startRecorder, type Recorded, type Reply } from '../../../helpers/prefect-recorder.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function setup(answer: (req: Recorded) => Reply) {
  const recorder = await startRecorder(answer);
  const client = new PrefectClient({ url: recorder.url, backoffMs: 1, env: {} });
  cleanups.push(() => recorder.close(), () => client.close());
  return { recorder, client };
}

const state = (type: StateType, message?: string): State => ({ id: 's', type, name: type, ...(message ? { message } : {}) });
const flowRun = (extra: Partial<FlowRun> = {}): FlowRun => ({ id: 'fr1', name: 'otter', flow_id: 'f', parameters: { pipeline: { name: 'p' }, retries: 2 }, state: state('RUNNING', 'running on w0'), run_count: 1, ...extra });
const item = (run: FlowRun): PrefectWorkItem => ({ id: run.id, name: run.name, label: `flow run ${run.name}`, parameters: run.parameters, runId: `prefect-${run.id}`, flowRun: run });
const worker = { name: 'w2', heartbeatIntervalMs: 30_000 };
const accept = (req: Recorded): Reply => ({ status: 201, body: { status: 'ACCEPT', state: (req.body as { state: unknown }).state, details: {} } });
const proposals = (requests: readonly Recorded[]) => requests.filter((r) => r.url.endsWith('/set_state')).map((r) => (r.body as { state: { type: string; name?: string; message?: string } }).state);

describe('prefectWorkSource: flow runs whose worker died', () => {
  it("lists the pool's RUNNING flow runs with the start time of their RUNNING state", async () => {
    const run = flowRun({ state: { ...state('RUNNING'), timestamp: '2026-01-01T00:00:00.000Z' } });
    const { recorder, client } = await setup(() => ({ status: 200, body: [run] }));
    const items = await prefectWorkSource({ client, pool: 'etl' }).listRunning!();
    expect(recorder.requests[0]).toMatchObject({ url: '/api/flow_runs/filter', body: { flow_runs: { state: { type: { any_: ['RUNNING'] } } }, work_pools: { name: { any_: ['etl'] } } } });
    expect(items).toMatchObject([{ id: 'fr1', runId: 'prefect-fr1', startedAt: '2026-01-01T00:00:00.000Z' }]);
  });

  it('proposes CRASHED, then SCHEDULED (AwaitingRetry) while run_count is within retries', async () => {
    const { recorder, client } = await setup(accept);
    const action = await prefectWorkSource({ client, pool: 'etl' }).crash!(item(flowRun()), worker, 'the lease lapsed');
    expect(action).toMatch(/^crashed; retry 1 of 2 scheduled for /);
    const [crashed, retry] = proposals(recorder.requests);
    expect(crashed).toEqual({ type: 'CRASHED', message: 'the lease lapsed (seen by w2)' });
    expect(retry).toMatchObject({ type: 'SCHEDULED', name: 'AwaitingRetry', message: 'retry 1 of 2 after a crash (the lease lapsed)' });
  });

  it('only crashes when no retries are left or allowed, and does nothing when another worker crashed it first', async () => {
    const { recorder, client } = await setup(accept);
    const source = prefectWorkSource({ client, pool: 'etl' });
    expect(await source.crash!(item(flowRun({ run_count: 3 })), worker, 'gone')).toBe('crashed; no retries left (3 runs, 2 retries)');
    expect(await source.crash!(item(flowRun({ parameters: {} })), worker, 'gone')).toBe('crashed (the deployment allows no retries)');
    expect(proposals(recorder.requests).map((s) => s.type)).toEqual(['CRASHED', 'CRASHED']);

    const late = await setup(() => ({ status: 200, body: { status: 'ABORT', state: state('CRASHED'), details: { reason: 'Run is already in terminal state CRASHED.' } } }));
    expect(await prefectWorkSource({ client: late.client, pool: 'etl' }).crash!(item(flowRun()), worker, 'gone')).toBeUndefined();
    expect(late.recorder.requests).toHaveLength(1);
  });

  it("a claim sets the deployment's retries as the flow run's retry policy", async () => {
    const { recorder, client } = await setup((req) => (req.url.endsWith('/set_state') ? accept(req) : { status: 204 }));
    const run = flowRun({ state: state('SCHEDULED'), parameters: { retries: 2, retryDelaySeconds: 5 }, empirical_policy: { retries: 0, retry_delay: 0 } });
    expect(await prefectWorkSource({ client, pool: 'etl' }).claim(item(run), worker)).toEqual({ ok: true });
    expect(recorder.requests.find((r) => r.method === 'PATCH')).toMatchObject({ url: '/api/flow_runs/fr1', body: { empirical_policy: { retries: 2, retry_delay: 5 } } });
  });

  it('a worker back after its lease lapsed does not report over the retry', async () => {
    let current: State = state('SCHEDULED');
    const { recorder, client } = await setup((req) => {
      if (req.url.endsWith('/set_state')) return accept(req);
      if (req.url === '/api/flow_runs/fr1') return { status: 200, body: flowRun({ state: current }) };
      return { status: 204 };
    });
    const source = prefectWorkSource({ client, pool: 'etl' });
    await source.start(item(flowRun({ state: state('PENDING') })), worker, new AbortController().signal);
    current = state('RUNNING', 'running on w3'); // crashed, retried and now running elsewhere
    await source.finish(item(flowRun()), { state: 'FAILED', message: 'lease lost' });
    expect(proposals(recorder.requests).map((s) => s.type)).toEqual(['RUNNING']);
    // A run cancelled in Prefect (CANCELLING) is still its own to report CANCELLED.
    await source.start(item(flowRun({ state: state('PENDING') })), worker, new AbortController().signal);
    current = state('CANCELLING');
    await source.finish(item(flowRun()), { state: 'CANCELLED', message: 'flow run cancelled in Prefect' });
    expect(proposals(recorder.requests).map((s) => s.type)).toEqual(['RUNNING', 'RUNNING', 'CANCELLED']);
  });
});

describe('the lease check over the run store', () => {
  const record = (extra: Partial<RunRecord> & Record<string, unknown>): RunRecord =>
    ({ runId: 'prefect-fr1', pipelineName: 'p', status: 'running', createdAt: new Date().toISOString(), updatedAt: new Date().toISOString(), data: {}, ...extra }) as RunRecord;

  it('says a running run whose lease lapsed lost its worker; a held lease, or a record without an owner, did not', async () => {
    const store = new MemoryRunStore();
    const check = leaseCheckOf(async () => store, 1000);
    const it1 = item(flowRun());
    expect(await check({ ...it1, startedAt: new Date().toISOString() })).toBeUndefined(); // no record yet, just started
    expect(await check({ ...it1, startedAt: new Date(Date.now() - 5000).toISOString() })).toMatch(/no run prefect-fr1 in the store/);
    await store.createRun(record({}));
    expect(await check(it1)).toBeUndefined(); // written without an owner: nothing to tell
    await store.updateRun('prefect-fr1', { owner: 'host:1:a' } as Partial<RunRecord>);
    const taken = await store.acquireLease('prefect-fr1', { owner: 'host:1:a', ttlMs: 50 });
    expect(taken.acquired).toBe(true);
    expect(await check(it1)).toBeUndefined();
    await new Promise((r) => setTimeout(r, 80));
    expect(await check(it1)).toBe('the lease of run prefect-fr1 (held by host:1:a) lapsed');
  });

  it('a worker hands lapsed flow runs of other workers to crash, at most every leaseCheckMs', async () => {
    const crashed: string[] = [];
    const run = flowRun();
    const source = {
      ...prefectWorkSource({ client: new PrefectClient({ url: 'http://127.0.0.1:9/api', env: {} }), pool: 'etl' }),
      open: async () => undefined,
      heartbeat: async () => undefined,
      poll: async () => [],
      listRunning: async () => [item(run)],
      crash: async (i: PrefectWorkItem, _w: unknown, reason: string) => (crashed.push(`${i.id}: ${reason}`), 'crashed'),
    };
    const events: string[] = [];
    const w = new Worker({ source, execute: async () => ({ ok: true }), leaseCheck: async () => 'lapsed', leaseCheckMs: 60_000, onEvent: (e) => events.push(e.type) });
    await w.pollOnce();
    await w.pollOnce();
    expect(crashed).toEqual(['fr1: lapsed']);
    expect(events).toContain('crashed');
  });
});
