import { describe, expect, it } from 'vitest';
import { HybridOrchestrator, MemoryRunStore, SwitchyardError } from 'switchyard';
import { newProbe, testAdapter } from '../../helpers/hub-adapters.js';

function setup() {
  const store = new MemoryRunStore();
  const probe = newProbe();
  // A new orchestrator per step stands in for a new process sharing the store.
  const hub = () => new HybridOrchestrator({ store, builtins: false, adapters: { test: testAdapter('test', probe) } });
  return { store, probe, hub };
}

const approvalPipeline = {
  name: 'approval',
  stages: [
    { id: 'analyze', type: 'test', task: { op: 'value', value: { findings: 2 } } },
    { id: 'approve', type: 'test', task: { op: 'approve' } },
    { id: 'deploy', type: 'test', task: { op: 'echo' } },
  ],
};

describe('approvals', () => {
  it('ends the run waiting, stores the approval, and approve() resumes it with context.approval', async () => {
    const { store, probe, hub } = setup();
    const waiting = await hub().run(approvalPipeline);
    expect(waiting.status).toBe('waiting');
    expect(waiting.pendingApproval).toEqual({ stageId: 'approve', point: 'approve', message: 'approve approve?', payload: { findings: 2 } });
    expect((await store.getRun(waiting.runId))?.status).toBe('waiting');
    expect(await store.listApprovals(waiting.runId)).toMatchObject([{ stageId: 'approve', approval: { point: 'approve' } }]);

    await expect(hub().resume(waiting.runId)).rejects.toThrow(/is waiting for approval: run `switchyard approve/);

    const done = await hub().approve(waiting.runId, { data: { note: 'ship it' }, by: 'ana' });
    expect(done.status).toBe('completed');
    expect(done.runId).toBe(waiting.runId);
    expect(done.output).toEqual({ input: { approved: true, data: { note: 'ship it' }, by: 'ana' } });
    expect(probe.calls.get('analyze')).toBe(1);
    const [approval] = await store.listApprovals(waiting.runId);
    expect(approval?.decision).toEqual({ approved: true, data: { note: 'ship it' }, by: 'ana' });
    expect((await store.listEvents(waiting.runId)).filter((e) => e.type === 'run.started').map((e) => e.type === 'run.started' && e.resumed)).toEqual([false, true]);
  });

  it('reject() resumes with approved false and the reason', async () => {
    const { hub } = setup();
    const waiting = await hub().run(approvalPipeline);
    const done = await hub().reject(waiting.runId, { reason: 'too risky' });
    expect(done.stages.find((s) => s.id === 'approve')?.output).toMatchObject({ approved: false, reason: 'too risky' });
  });

  it('refuses to approve a run that is not waiting, or a stage that is not pending', async () => {
    const { hub } = setup();
    const waiting = await hub().run(approvalPipeline);
    await expect(hub().approve(waiting.runId, { stageId: 'deploy' })).rejects.toThrow('--stage: expected one of approve; got "deploy"');
    await hub().approve(waiting.runId);
    const error = (await hub().approve(waiting.runId).catch((e: unknown) => e)) as SwitchyardError;
    expect(error.code).toBe('CONFLICT');
    expect(error.message).toBe(`run ${waiting.runId} is completed, not waiting for approval`);
    await expect(hub().approve('nope')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('resume', () => {
  it('does not rerun completed stages; the first unfinished stage runs next with the saved data bus', async () => {
    const { store, probe, hub } = setup();
    const pipeline = {
      name: 'resume',
      stages: [
        { id: 'one', type: 'test', task: { op: 'data', key: 'fromOne', value: 1 } },
        { id: 'two', type: 'test', task: { op: 'fail' } },
        { id: 'three', type: 'test', task: { op: 'echo' } },
      ],
    };
    const failed = await hub().run(pipeline);
    expect(failed.status).toBe('failed');
    // fix the pipeline (stage two now succeeds) and resume with it
    const fixed = { ...pipeline, stages: [pipeline.stages[0]!, { id: 'two', type: 'test', task: { op: 'data', key: 'fromTwo', value: 2 } }, pipeline.stages[2]!] };
    const resumed = await hub().resume(failed.runId, { pipeline: fixed });
    expect(resumed.status).toBe('completed');
    expect(probe.calls.get('one')).toBe(1);
    expect(probe.calls.get('two')).toBe(2);
    expect(resumed.data).toEqual({ fromOne: 1, fromTwo: 2 });
    expect(resumed.output).toEqual({ input: { fromOne: 1, fromTwo: 2 } });
    expect(resumed.history.map((h) => [h.stageId, h.outcome])).toEqual([
      ['one', 'completed'],
      ['two', 'failed'],
      ['two', 'completed'],
      ['three', 'completed'],
    ]);
    expect((await store.getRun(failed.runId))?.status).toBe('completed');
    await expect(hub().resume(failed.runId)).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('resumes a parallel group without rerunning its completed branches', async () => {
    const { probe, hub } = setup();
    const pipeline = (badOp: string) => ({
      name: 'par',
      stages: [{ id: 'fan', onFailure: 'stop', parallel: [{ id: 'ok', type: 'test', task: { op: 'value', value: 1 } }, { id: 'bad', type: 'test', task: { op: badOp } }] }],
    });
    const first = await hub().run(pipeline('fail'), { input: 'run input' });
    expect(first.status).toBe('failed');
    const second = await hub().resume(first.runId, { pipeline: pipeline('echo') });
    expect(second.status).toBe('completed');
    expect(probe.calls.get('ok')).toBe(1);
    // the group is fanned out again with the input it had the first time, not its own partial output
    expect(second.output).toEqual({ ok: 1, bad: { input: 'run input' } });
    expect(second.history.filter((h) => h.stageId === 'fan').map((h) => h.outcome)).toEqual(['failed', 'completed']);
  });
});
