import { afterEach, describe, expect, it } from 'vitest';
import { PrefectClient, PrefectDagReporter } from '../../../../adapters/prefect/server/index.js';
import { startRecorder, type Recorded, type Reply } from '../../../helpers/prefect-recorder.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

function prefectLike(req: Recorded): Reply {
  if (req.url === '/api/flows/') return { status: 201, body: { id: 'flow-1', name: (req.body as { name: string }).name } };
  if (req.url === '/api/flow_runs/') return { status: 201, body: { id: 'fr-1', name: 'run', flow_id: 'flow-1', parameters: {}, state: (req.body as { state: unknown }).state } };
  if (req.url === '/api/task_runs/') return { status: 201, body: { ...(req.body as object) } };
  if (req.url.endsWith('/set_state')) return { status: 201, body: { status: 'ACCEPT', state: (req.body as { state: unknown }).state, details: {} } };
  if (req.url === '/api/logs/') return { status: 201 };
  return { status: 404, body: { detail: 'not here' } };
}

async function setup() {
  const recorder = await startRecorder(prefectLike);
  const client = new PrefectClient({ url: recorder.url, env: {} });
  cleanups.push(() => recorder.close(), () => client.close());
  return { recorder, client };
}

// a -> b, a -> c, (b, c) -> d
const dag = { ids: ['a', 'b', 'c', 'd'], depStart: [0, 0, 1, 2, 4], depList: [0, 0, 1, 2] };

describe('PrefectDagReporter on the wire', () => {
  it('creates the flow and a RUNNING flow run, then a task run per node naming its upstream task runs', async () => {
    const { recorder, client } = await setup();
    const reporter = await PrefectDagReporter.start(client, dag, { flowName: 'etl', flushDelayMs: 5 });
    for (const id of dag.ids) {
      reporter.nodeStarted(id, 1);
      reporter.nodeCompleted(id, null);
    }
    await reporter.finish({ ok: true });
    expect(reporter.problems).toEqual([]);
    expect(recorder.requests[0]).toMatchObject({ url: '/api/flows/', body: { name: 'etl' } });
    expect(recorder.requests[1]).toMatchObject({ url: '/api/flow_runs/', body: { flow_id: 'flow-1', state: { type: 'RUNNING' } } });
    const creates = recorder.requests.filter((r) => r.url === '/api/task_runs/').map((r) => r.body as { id: string; name: string; task_inputs: Record<string, { id: string }[]>; state: { type: string } });
    expect(creates.map((c) => c.name).sort()).toEqual(['a', 'b', 'c', 'd']);
    const id = (name: string) => reporter.taskRunId(name)!;
    const d = creates.find((c) => c.name === 'd')!;
    expect(d.task_inputs).toEqual({ b: [{ input_type: 'task_run', id: id('b') }], c: [{ input_type: 'task_run', id: id('c') }] });
    expect(d.id).toBe(id('d'));
    // Started and finished inside one flush window: one request each, created in the final state.
    expect(creates.every((c) => c.state.type === 'COMPLETED')).toBe(true);
    const last = recorder.requests.at(-1)!;
    expect(last).toMatchObject({ url: '/api/flow_runs/fr-1/set_state', body: { state: { type: 'COMPLETED' } } });
    expect(recorder.requests).toHaveLength(2 + 4 + 1 + 1); // flow, flow run, 4 task runs, logs, final state
  });

  it('sends RUNNING first for a node still running at a flush, then its final state through set_state', async () => {
    const { recorder, client } = await setup();
    const reporter = await PrefectDagReporter.start(client, { ids: ['slow'], depStart: [0, 0], depList: [] }, { flowName: 'etl', flushDelayMs: 1 });
    reporter.nodeStarted('slow', 1);
    await new Promise((r) => setTimeout(r, 50));
    reporter.nodeFailed('slow', { code: 'STAGE_FAILED', message: 'disk full' }, false);
    await reporter.finish({ ok: false, message: 'slow failed' });
    const calls = recorder.requests.map((r) => `${r.url} ${(r.body as { state?: { type: string } } | undefined)?.state?.type ?? ''}`.trim());
    expect(calls).toContain('/api/task_runs/ RUNNING');
    expect(calls).toContain(`/api/task_runs/${reporter.taskRunId('slow')}/set_state FAILED`);
    expect(calls.at(-1)).toBe('/api/flow_runs/fr-1/set_state FAILED');
    const logs = recorder.requests.filter((r) => r.url === '/api/logs/').flatMap((r) => r.body as { message: string; level: number; task_run_id: string | null }[]);
    expect(logs).toContainEqual(expect.objectContaining({ message: 'slow failed: [STAGE_FAILED] disk full', level: 40, task_run_id: reporter.taskRunId('slow') }));
  });

  it('records reporting problems without throwing', async () => {
    const recorder = await startRecorder((req) => (req.url === '/api/task_runs/' ? { status: 500, body: { detail: 'db locked' } } : prefectLike(req)));
    const client = new PrefectClient({ url: recorder.url, env: {}, retries: 0 });
    cleanups.push(() => recorder.close(), () => client.close());
    const seen: string[] = [];
    const reporter = await PrefectDagReporter.start(client, { ids: ['x'], depStart: [0, 0], depList: [] }, { flowName: 'etl', flushDelayMs: 1, onError: (e) => seen.push(e.message) });
    reporter.nodeStarted('x', 1);
    reporter.nodeCompleted('x', 1);
    await reporter.finish({ ok: true });
    expect(seen).toEqual([expect.stringContaining('db locked')]);
  });
});
