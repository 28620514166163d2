import { describe, expect, it } from 'vitest';
import { HybridOrchestrator, MemoryRunStore, type RunEvent } from 'switchyard';
import { newProbe, testAdapter } from '../../helpers/hub-adapters.js';

function hub() {
  const probe = newProbe();
  const store = new MemoryRunStore();
  const events: RunEvent[] = [];
  const h = new HybridOrchestrator({ store, builtins: false, adapters: { test: testAdapter('test', probe) }, sinks: [{ handle: (e) => void events.push(e) }] });
  return { h, probe, store, events };
}

const fast = { minDelayMs: 1, maxDelayMs: 2, jitter: false } as const;

describe('stage policies', () => {
  it('retries with backoff until the stage succeeds, emitting a retry event per failed attempt', async () => {
    const { h, events } = hub();
    const result = await h.run({ name: 'r', stages: [{ id: 'f', type: 'test', task: { op: 'flaky', failTimes: 2 }, retry: { attempts: 3, ...fast } }] });
    expect(result.status).toBe('completed');
    expect(result.stages[0]).toMatchObject({ attempts: 3, output: { attempt: 3 } });
    expect(events.filter((e) => e.type === 'stage.retry').map((e) => e.type === 'stage.retry' && [e.attempt, e.delayMs])).toEqual([
      [1, 1],
      [2, 2],
    ]);
    expect(result.history.map((e) => e.outcome)).toEqual(['retry', 'retry', 'completed']);
  });

  it('gives up after the attempts and fails the run', async () => {
    const { h, probe } = hub();
    const result = await h.run({ name: 'r', stages: [{ id: 'f', type: 'test', task: { op: 'fail' }, retry: { attempts: 2, ...fast } }, { type: 'test', task: { op: 'echo' } }] });
    expect(result.status).toBe('failed');
    expect(result.error).toMatchObject({ code: 'ENGINE_ERROR', message: 'f failed on purpose' });
    expect(probe.calls.get('f')).toBe(2);
    expect(result.stages).toHaveLength(1);
  });

  it('retries only the error codes listed in `on`', async () => {
    const { h, probe } = hub();
    const result = await h.run({ name: 'r', stages: [{ id: 'f', type: 'test', task: { op: 'fail', code: 'REMOTE_ERROR' }, retry: { attempts: 5, on: ['TIMEOUT'], ...fast } }] });
    expect(result.status).toBe('failed');
    expect(probe.calls.get('f')).toBe(1);
  });

  it('times out a stage attempt and retries it', async () => {
    const { h, probe } = hub();
    const result = await h.run({ name: 't', stages: [{ id: 's', type: 'test', task: { op: 'sleep', ms: 5000 }, timeoutMs: 20, retry: { attempts: 2, ...fast } }] });
    expect(result.status).toBe('failed');
    expect(result.error).toMatchObject({ code: 'TIMEOUT', message: 's: timed out after 20 ms' });
    expect(probe.calls.get('s')).toBe(2);
  });

  it('cancels the run through an AbortSignal', async () => {
    const { h, store } = hub();
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 20);
    const result = await h.run({ name: 'c', stages: [{ id: 's', type: 'test', task: { op: 'sleep', ms: 5000 } }, { type: 'test', task: { op: 'echo' } }] }, { signal: controller.signal });
    expect(result.status).toBe('cancelled');
    expect(result.error?.code).toBe('CANCELLED');
    expect(result.stages.map((s) => s.status)).toEqual(['cancelled']);
    expect((await store.getRun(result.runId))?.status).toBe('cancelled');
  });

  it('stops the run at the overall deadline', async () => {
    const { h } = hub();
    const result = await h.run({ name: 'd', deadlineMs: 30, stages: [{ type: 'test', task: { op: 'sleep', ms: 5000 }, retry: { attempts: 5, ...fast } }] });
    expect(result.status).toBe('cancelled');
    expect(result.error).toMatchObject({ code: 'TIMEOUT', message: 'run deadline of 30 ms exceeded' });
  });

  it('continues past a failed stage and ends partial', async () => {
    const { h } = hub();
    const result = await h.run({ name: 'p', stages: [{ type: 'test', task: { op: 'fail' }, onFailure: 'continue' }, { type: 'test', task: { op: 'value', value: 'after' } }] });
    expect(result.status).toBe('partial');
    expect(result.output).toBe('after');
  });

  it('follows a failure path to a fallback stage (seed 003)', async () => {
    const { h } = hub();
    const result = await h.run({
      name: 'g',
      stages: [
        { id: 'risky', type: 'test', task: { op: 'fail' }, onFailure: { goto: 'fallback' } },
        { id: 'skipped-by-jump', type: 'test', task: { op: 'value', value: 'never' } },
        { id: 'fallback', type: 'test', task: { op: 'value', value: 'safe' } },
      ],
    });
    expect(result.output).toBe('safe');
    expect(result.stages.map((s) => [s.id, s.status])).toEqual([
      ['risky', 'failed'],
      ['skipped-by-jump', 'skipped'],
      ['fallback', 'completed'],
    ]);
    expect(result.history.find((e) => e.outcome === 'decision')?.reasons?.[0]).toBe('onFailure: risky failed (ENGINE_ERROR); going to fallback');
  });

  describe('failure paths: onFailure goto a fallback', () => {
    const pipeline = (first: Record<string, unknown>) => ({
      name: 'fallbacks',
      stages: [
        { id: 'deploy', type: 'test', task: { op: 'value', value: 'deployed' }, onFailure: { goto: 'rollback' }, ...first },
        { id: 'smoke', type: 'test', task: { op: 'value', value: 'smoked' } },
        { id: 'rollback', type: 'test', task: { op: 'value', value: 'rolled back' } },
        { id: 'notify', type: 'test', task: { op: 'echo' } },
      ],
    });

    it('the happy path skips the fallback: it runs only when jumped to', async () => {
      const { h, probe, events } = hub();
      const result = await h.run(pipeline({}));
      expect(result.status).toBe('completed');
      expect(probe.calls.get('rollback')).toBeUndefined();
      expect(result.stages.map((s) => [s.id, s.status])).toEqual([
        ['deploy', 'completed'],
        ['smoke', 'completed'],
        ['rollback', 'skipped'],
        ['notify', 'completed'],
      ]);
      // the fallback passes nothing on: notify gets smoke's output
      expect(result.output).toEqual({ input: 'smoked' });
      expect(events.find((e) => e.type === 'stage.skipped')).toMatchObject({ stageId: 'rollback', reason: 'fallback of stages[0] (onFailure goto rollback): runs only when jumped to' });
    });

    it('a failure jumps to the fallback: stages jumped over are skipped with the reason, the handled run is completed', async () => {
      const { h, store, events } = hub();
      const result = await h.run(pipeline({ task: { op: 'fail' } }));
      expect(result.status).toBe('completed');
      expect(result.error).toBeUndefined();
      expect(result.stages.map((s) => [s.id, s.status])).toEqual([
        ['deploy', 'failed'],
        ['smoke', 'skipped'],
        ['rollback', 'completed'],
        ['notify', 'completed'],
      ]);
      expect(result.stages[0]?.error?.code).toBe('ENGINE_ERROR');
      expect(result.output).toEqual({ input: 'rolled back' });
      expect(result.history.map((e) => [e.stageId, e.outcome])).toEqual([
        ['deploy', 'failed'],
        ['deploy', 'decision'],
        ['smoke', 'skipped'],
        ['rollback', 'completed'],
        ['notify', 'completed'],
      ]);
      expect(events.filter((e) => e.type === 'stage.skipped')).toMatchObject([{ stageId: 'smoke', reason: 'jumped over by stages[0] onFailure goto rollback' }]);
      expect((await store.getRun(result.runId))?.status).toBe('completed');
      expect((await store.listStages(result.runId)).map((s) => [s.stageId, s.status])).toEqual(result.stages.map((s) => [s.id, s.status]));
    });

    it('a fallback that fails too ends the run failed', async () => {
      const { h } = hub();
      const doc = pipeline({ task: { op: 'fail' } });
      doc.stages[2] = { id: 'rollback', type: 'test', task: { op: 'fail' } };
      const result = await h.run(doc);
      expect(result.status).toBe('failed');
      expect(result.stages.map((s) => [s.id, s.status])).toEqual([
        ['deploy', 'failed'],
        ['smoke', 'skipped'],
        ['rollback', 'failed'],
      ]);
    });

    it('onFailure: continue still ends the run partial: the failure was let through, not handled', async () => {
      const { h } = hub();
      const result = await h.run({ name: 'c', stages: [{ id: 'a', type: 'test', task: { op: 'fail' }, onFailure: 'continue' }, { id: 'b', type: 'test', task: { op: 'value', value: 1 } }] });
      expect(result.status).toBe('partial');
      expect(result.stages.map((s) => [s.id, s.status])).toEqual([
        ['a', 'failed'],
        ['b', 'completed'],
      ]);
    });
  });

  it('loops back on failure until the stage passes, and stops an endless loop at maxVisits', async () => {
    const { h, probe } = hub();
    const loop = await h.run({
      name: 'loop',
      stages: [
        { id: 'specs', type: 'test', task: { op: 'count' } },
        { id: 'check', type: 'test', task: { op: 'failUntil', failTimes: 2 }, onFailure: { goto: 'specs' } },
      ],
    });
    expect(loop.status).toBe('completed');
    expect(probe.calls.get('specs')).toBe(3);
    expect(loop.stages.map((s) => [s.id, s.status])).toEqual([
      ['specs', 'completed'],
      ['check', 'completed'],
    ]);
    expect(loop.output).toEqual({ calls: 3 });
    const endless = await h.run({
      name: 'endless',
      maxVisits: 3,
      stages: [
        { id: 'a', type: 'test', task: { op: 'echo' } },
        { id: 'b', type: 'test', task: { op: 'fail' }, onFailure: { goto: 'a' } },
      ],
    });
    expect(endless.status).toBe('failed');
    expect(endless.error?.message).toBe('a would run a 4th time; stopped at maxVisits (3) to end an onFailure.goto loop');
    expect(probe.calls.get('b')).toBe(3);
  });

  it('fails the stage, not the process, when an expression throws at run time', async () => {
    const { h } = hub();
    const result = await h.run({ name: 'e', stages: [{ type: 'test', task: { op: 'echo' }, input: '$error("bad input")' }] });
    expect(result.status).toBe('failed');
    expect(result.error?.message).toMatch(/stages\[0\]\.input: expression .* failed: bad input/);
  });
});

describe('parallel groups', () => {
  it('fans out with a concurrency limit and fans in the outputs by branch id', async () => {
    const { h, probe } = hub();
    const result = await h.run({
      name: 'par',
      stages: [
        { id: 'seed', type: 'test', task: { op: 'value', value: 5 } },
        {
          id: 'fan',
          concurrency: 2,
          parallel: [
            { id: 'a', type: 'test', task: { op: 'sleep', ms: 20 } },
            { id: 'b', type: 'test', task: { op: 'sleep', ms: 20 } },
            { id: 'c', type: 'test', task: { op: 'sleep', ms: 20 } },
            { id: 'd', type: 'test', task: { op: 'echo' } },
          ],
        },
        { id: 'after', type: 'test', task: { op: 'echo' } },
      ],
    });
    expect(result.status).toBe('completed');
    expect(probe.maxConcurrent).toBe(2);
    expect(result.stages.find((s) => s.id === 'fan')?.output).toEqual({ a: { slept: 20 }, b: { slept: 20 }, c: { slept: 20 }, d: { input: 5 } });
    expect((result.output as { input: Record<string, unknown> }).input.d).toEqual({ input: 5 });
  });

  it('keeps the other branches when one fails and ends partial (seed 004)', async () => {
    const { h } = hub();
    const result = await h.run({
      name: 'par',
      stages: [
        { id: 'fan', parallel: [{ id: 'ok', type: 'test', task: { op: 'value', value: 1 } }, { id: 'bad', type: 'test', task: { op: 'fail' } }] },
        { id: 'after', type: 'test', task: { op: 'echo' } },
      ],
    });
    expect(result.status).toBe('partial');
    const fan = result.stages.find((s) => s.id === 'fan');
    expect(fan).toMatchObject({ status: 'failed', output: { ok: 1 } });
    expect(fan?.error?.message).toMatch(/^1 of 2 branches failed \(bad\)/);
    expect(result.output).toEqual({ input: { ok: 1 } });
  });

  it('stops when a group set to stop has a failed branch', async () => {
    const { h } = hub();
    const result = await h.run({
      name: 'par',
      stages: [{ id: 'fan', onFailure: 'stop', parallel: [{ id: 'ok', type: 'test', task: { op: 'value', value: 1 } }, { id: 'bad', type: 'test', task: { op: 'fail' } }] }, { type: 'test', task: { op: 'echo' } }],
    });
    expect(result.status).toBe('failed');
    expect(result.stages.map((s) => s.id)).toEqual(['ok', 'bad', 'fan']);
  });
});
