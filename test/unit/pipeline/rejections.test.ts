import { describe, expect, it } from 'vitest';
import { HybridOrchestrator, MemoryRunStore, ProgressSink, type RunEvent } from 'switchyard';
import { exitCodeFor } from '../../../src/cli/hub.js';
import { newProbe, testAdapter } from '../../helpers/hub-adapters.js';

function setup() {
  const store = new MemoryRunStore();
  const probe = newProbe();
  const events: RunEvent[] = [];
  const hub = () => new HybridOrchestrator({ store, builtins: false, adapters: { test: testAdapter('test', probe) }, sinks: [{ handle: (e) => void events.push(e) }] });
  return { store, probe, hub, events };
}

const approvalPipeline = {
  name: 'approval',
  stages: [
    { id: 'analyze', type: 'test', task: { op: 'value', value: { findings: 2 } } },
    { id: 'approve', type: 'test', task: { op: 'approve' } },
    { id: 'deploy', type: 'test', task: { op: 'echo' } },
  ],
};

describe('rejections and endings', () => {
  it('a rejected approval ends the run failed with code REJECTED, naming who and why; nothing after it runs', async () => {
    const { store, probe, hub, events } = setup();
    const waiting = await hub().run(approvalPipeline);
    const done = await hub().reject(waiting.runId, { reason: 'too risky', by: 'ana' });
    expect(done.status).toBe('failed');
    expect(done.error).toMatchObject({ code: 'REJECTED', message: 'approve: the approval was rejected by ana: too risky', details: { stageId: 'approve', by: 'ana', reason: 'too risky' } });
    expect(probe.calls.get('deploy')).toBeUndefined();
    expect(done.decisions).toEqual([{ stageId: 'approve', approved: false, by: 'ana', reason: 'too risky' }]);
    expect(done.stages.find((s) => s.id === 'approve')).toMatchObject({ status: 'completed', decision: { approved: false, by: 'ana', reason: 'too risky' } });
    expect(exitCodeFor(done)).toBe(1);
    const run = await store.getRun(done.runId);
    expect(run).toMatchObject({ status: 'failed', error: { code: 'REJECTED' } });
    expect(events.find((e) => e.type === 'stage.decided')).toMatchObject({ stageId: 'approve', engine: 'test', approved: false, by: 'ana', reason: 'too risky' });
    // a rejection ends the run for good
    await expect(hub().resume(done.runId)).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/was rejected .*cannot be resumed/) });
  });

  it('an approval is in the result, on the stage and in stage.decided, with its data; run.finished carries the output', async () => {
    const { hub, events } = setup();
    const waiting = await hub().run(approvalPipeline);
    const done = await hub().approve(waiting.runId, { data: { note: 'ship it' }, by: 'ana' });
    expect(done.status).toBe('completed');
    expect(done.decisions).toEqual([{ stageId: 'approve', approved: true, by: 'ana', data: { note: 'ship it' } }]);
    expect(done.stages.find((s) => s.id === 'approve')?.decision).toEqual({ approved: true, by: 'ana', data: { note: 'ship it' } });
    expect(events.filter((e) => e.type === 'stage.decided')).toMatchObject([{ approved: true, data: { note: 'ship it' } }]);
    const finished = events.filter((e) => e.type === 'run.finished');
    expect(finished.map((e) => e.type === 'run.finished' && e.output)).toEqual([waiting.output, done.output]);
    expect(done.output).toEqual({ input: { approved: true, data: { note: 'ship it' }, by: 'ana' } });
  });

  it('the progress display prints the decision', () => {
    let written = '';
    const stream = { isTTY: false, write: (chunk: string) => ((written += chunk), true) } as unknown as NodeJS.WriteStream;
    new ProgressSink({ stream }).handle({ type: 'stage.decided', runId: 'r', at: 0, seq: 1, stageId: 'approve', engine: 'test', approved: false, by: 'ana', reason: 'too risky' });
    expect(written).toContain('approve: rejected by ana: too risky');
  });

  it('a run that ends waiting after a failed stage exits 1; waiting with nothing failed exits 0', async () => {
    const { hub } = setup();
    const clean = await hub().run(approvalPipeline);
    expect([clean.status, exitCodeFor(clean)]).toEqual(['waiting', 0]);
    const afterFailure = await hub().run({
      name: 'w',
      stages: [{ id: 'lint', type: 'test', task: { op: 'fail' }, onFailure: 'continue' }, ...approvalPipeline.stages],
    });
    expect(afterFailure.status).toBe('waiting');
    expect(exitCodeFor(afterFailure)).toBe(1);
  });
});
