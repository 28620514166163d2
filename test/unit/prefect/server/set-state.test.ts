import { afterEach, describe, expect, it } from 'vitest';
import { PrefectClient, requireState, setState, splitDeploymentName, deploymentTaskSchema, reportSchema } from '../../../../adapters/prefect/server/index.js';
import { startRecorder, type Reply } from '../../../helpers/prefect-recorder.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function setup(replies: Reply[]) {
  const recorder = await startRecorder((_req, i) => replies[Math.min(i, replies.length - 1)]!);
  const client = new PrefectClient({ url: recorder.url, backoffMs: 1, env: {} });
  cleanups.push(() => recorder.close(), () => client.close());
  return { recorder, client };
}

const state = (type: string) => ({ id: 's', type, name: type });

describe('setState (the one state-change helper)', () => {
  it('returns an ACCEPT with the stored state', async () => {
    const { recorder, client } = await setup([{ status: 201, body: { status: 'ACCEPT', state: state('RUNNING'), details: { type: 'accept_details' } } }]);
    const outcome = await setState(client, 'flow_run', 'fr1', { type: 'RUNNING' });
    expect(outcome).toMatchObject({ status: 'ACCEPT', state: { type: 'RUNNING' } });
    expect(recorder.requests[0]).toMatchObject({ url: '/api/flow_runs/fr1/set_state', body: { state: { type: 'RUNNING' }, force: false } });
  });

  it('sleeps out a WAIT and proposes again', async () => {
    const { recorder, client } = await setup([
      { status: 200, body: { status: 'WAIT', state: null, details: { type: 'wait_details', delay_seconds: 0, reason: 'Scheduled time is in the future' } } },
      { status: 200, body: { status: 'WAIT', state: null, details: { type: 'wait_details', delay_seconds: 0 } } },
      { status: 201, body: { status: 'ACCEPT', state: state('RUNNING'), details: {} } },
    ]);
    const waits: string[] = [];
    const outcome = await setState(client, 'task_run', 'tr1', { type: 'RUNNING' }, { onWait: (_ms, reason) => waits.push(reason ?? '') });
    expect(outcome.status).toBe('ACCEPT');
    expect(recorder.requests.map((r) => r.url)).toEqual(Array(3).fill('/api/task_runs/tr1/set_state'));
    expect(waits).toEqual(['Scheduled time is in the future', '']);
  });

  it('returns REJECT and ABORT as values with the reason and the current state', async () => {
    const rejecting = await setup([{ status: 200, body: { status: 'REJECT', state: state('COMPLETED'), details: { type: 'reject_details', reason: 'Run is already COMPLETED.' } } }]);
    expect(await setState(rejecting.client, 'flow_run', 'a', { type: 'PENDING' })).toMatchObject({ status: 'REJECT', reason: 'Run is already COMPLETED.', state: { type: 'COMPLETED' } });
    const aborting = await setup([{ status: 200, body: { status: 'ABORT', state: state('PENDING'), details: { type: 'abort_details', reason: 'This run is in a PENDING state and cannot transition to a PENDING state.' } } }]);
    expect(await setState(aborting.client, 'flow_run', 'a', { type: 'PENDING' })).toMatchObject({ status: 'ABORT', reason: expect.stringContaining('cannot transition') });
  });

  it('requireState turns REJECT and ABORT into a REMOTE_ERROR', async () => {
    const { client } = await setup([{ status: 200, body: { status: 'ABORT', state: state('RUNNING'), details: { reason: 'taken' } } }]);
    await expect(requireState(client, 'flow_run', 'x', { type: 'PENDING' })).rejects.toMatchObject({ code: 'REMOTE_ERROR', message: expect.stringContaining('aborted PENDING for flow_run x: taken') });
  });

  it('gives up after maxWaits WAIT answers', async () => {
    const { recorder, client } = await setup([{ status: 200, body: { status: 'WAIT', state: null, details: { delay_seconds: 0 } } }]);
    await expect(setState(client, 'flow_run', 'x', { type: 'RUNNING' }, { maxWaits: 3 })).rejects.toMatchObject({ code: 'REMOTE_ERROR', message: expect.stringContaining('WAIT') });
    expect(recorder.requests).toHaveLength(4);
  });

  it('a WAIT is cut short by the signal', async () => {
    const { client } = await setup([{ status: 200, body: { status: 'WAIT', state: null, details: { delay_seconds: 60 } } }]);
    const controller = new AbortController();
    const pending = setState(client, 'flow_run', 'x', { type: 'RUNNING' }, { signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    await expect(pending).rejects.toMatchObject({ code: 'CANCELLED' });
  });
});

describe('task shapes', () => {
  it('checks deployment names and report options', () => {
    expect(splitDeploymentName('etl/nightly')).toEqual(['etl', 'nightly']);
    expect(() => splitDeploymentName('etl')).toThrow(expect.objectContaining({ code: 'INVALID_INPUT', path: 'task.deployment' }));
    expect(deploymentTaskSchema.safeParse({ type: 'deployment', deployment: 'a/b', parameters: { x: 1 }, timeoutMs: 1000 }).success).toBe(true);
    expect(deploymentTaskSchema.safeParse({ type: 'deployment', deployment: 'ab' }).success).toBe(false);
    expect(deploymentTaskSchema.safeParse({ type: 'deployment', deployment: 'a/b', server: { url: 'not a url' } }).success).toBe(false);
    expect(reportSchema.safeParse({ prefect: true }).success).toBe(true);
    expect(reportSchema.safeParse({ prefect: { url: 'http://127.0.0.1:4200/api', flowName: 'etl', tags: ['x'] } }).success).toBe(true);
    expect(reportSchema.safeParse({ prefect: { nope: 1 } }).success).toBe(false);
  });
});
