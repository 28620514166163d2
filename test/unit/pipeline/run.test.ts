import { describe, expect, it } from 'vitest';
import { HybridOrchestrator, MemoryRunStore, type RunEvent, type StageContext } from 'switchyard';
import { newProbe, testAdapter } from '../../helpers/hub-adapters.js';

function hub(store = new MemoryRunStore()) {
  const probe = newProbe();
  return { store, probe, hub: new HybridOrchestrator({ store, builtins: false, adapters: { test: testAdapter('test', probe), other: testAdapter('other', probe) } }) };
}

describe('HybridOrchestrator.run', () => {
  it('runs stages in order, passing each output to the next, and records history and stage results', async () => {
    const { hub: h, store } = hub();
    const result = await h.run({ name: 'flow', goal: 'g', stages: [{ type: 'test', task: { op: 'value', value: { n: 1 } } }, { type: 'other', task: { op: 'echo', value: 'x' } }] }, { input: 'in' });
    expect(result.status).toBe('completed');
    expect(result.output).toEqual({ input: { n: 1 }, value: 'x' });
    expect(result.stages.map((s) => [s.id, s.type, s.status, s.attempts])).toEqual([
      ['test-1', 'test', 'completed', 1],
      ['other-2', 'other', 'completed', 1],
    ]);
    expect(result.history.map((h) => [h.stageId, h.engine, h.outcome])).toEqual([
      ['test-1', 'test', 'completed'],
      ['other-2', 'other', 'completed'],
    ]);
    const run = await store.getRun(result.runId);
    expect(run?.status).toBe('completed');
    expect(run?.output).toEqual(result.output);
    expect((await store.listStages(result.runId)).map((s) => s.status)).toEqual(['completed', 'completed']);
    expect((await store.listHistory(result.runId)).length).toBe(2);
  });

  it('builds stage input with JSONata expressions and functions, and skips on `when`', async () => {
    const { hub: h } = hub();
    const result = await h.run(
      {
        name: 'expr',
        stages: [
          { id: 'a', type: 'test', task: { op: 'value', value: { items: [1, 2, 3], flag: false } } },
          { id: 'sum', type: 'test', task: { op: 'echo' }, input: '{ "total": $sum(outputs.a.items), "q": input.query }' },
          { id: 'skipped', type: 'test', task: { op: 'echo' }, when: 'outputs.a.flag' },
          { id: 'code', type: 'test', task: { op: 'echo' }, input: (s: { previous: unknown }) => ({ prev: s.previous }), when: () => true },
        ],
      },
      { input: { query: 'q?' } },
    );
    expect(result.status).toBe('completed');
    const byId = Object.fromEntries(result.stages.map((s) => [s.id, s]));
    expect(byId.sum?.output).toEqual({ input: { total: 6, q: 'q?' } });
    expect(byId.skipped?.status).toBe('skipped');
    // the skipped stage does not become "previous"
    expect(byId.code?.output).toEqual({ input: { prev: { input: { total: 6, q: 'q?' } } } });
    expect(result.history.find((h) => h.stageId === 'skipped')?.reasons).toEqual(['`when` was false']);
  });

  it('gives stages the real context: run id, goal, data bus, history and last outputs by id or engine', async () => {
    const seen: Partial<StageContext>[] = [];
    const spy = {
      type: 'spy',
      taskSchema: (await import('zod')).z.object({}),
      async execute(_task: unknown, ctx: StageContext) {
        seen.push({ runId: ctx.runId, goal: ctx.goal, stageId: ctx.stageId, history: [...ctx.history], data: { ...ctx.data } });
        return { byEngine: ctx.getLastOutput('test'), byId: ctx.getLastOutput('first'), last: ctx.getLastOutput() };
      },
    };
    const store = new MemoryRunStore();
    const h = new HybridOrchestrator({ store, builtins: false, adapters: { test: testAdapter(), spy } });
    const result = await h.run({
      name: 'ctx',
      goal: 'check the context',
      stages: [
        { id: 'first', type: 'test', task: { op: 'data', key: 'k', value: 7 } },
        { id: 'second', type: 'test', task: { op: 'value', value: 'two' } },
        { id: 'spy', type: 'spy', task: {} },
      ],
    });
    expect(seen[0]).toMatchObject({ runId: result.runId, goal: 'check the context', stageId: 'spy', data: { k: 7 } });
    expect(seen[0]?.history?.map((h) => h.stageId)).toEqual(['first', 'second']);
    expect(result.output).toEqual({ byEngine: 'two', byId: { k: 7 }, last: 'two' });
    expect((await store.getRun(result.runId))?.data).toEqual({ k: 7 });
  });

  it('streams typed events in order, engine events included, ending with run.finished', async () => {
    const { hub: h, store } = hub();
    const events: RunEvent[] = [];
    for await (const event of h.stream({ name: 's', stages: [{ type: 'test', task: { op: 'echo' } }, { type: 'test', task: { op: 'fail' }, onFailure: 'continue' }] })) events.push(event);
    expect(events.map((e) => e.type)).toEqual(['run.started', 'stage.started', 'stage.engine', 'stage.completed', 'stage.started', 'stage.engine', 'stage.failed', 'run.finished']);
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    const last = events.at(-1)!;
    expect(last.type === 'run.finished' && last.status).toBe('partial');
    expect((await store.listEvents(last.runId)).map((e) => e.type)).toEqual(events.map((e) => e.type));
  });

  it('names a pipeline without a name: hybrid for objects (run and execute alike), the base name for files', async () => {
    const { hub: h, store } = hub();
    const stages = [{ type: 'test', task: { op: 'value', value: 1 } }] as const;
    const ran = await h.run({ stages: [...stages] });
    const executed = await h.execute({ stages: [...stages] });
    expect([ran.pipeline, executed.pipeline]).toEqual(['hybrid', 'hybrid']);
    expect((await store.getRun(ran.runId))?.pipelineName).toBe('hybrid');
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const file = join(mkdtempSync(join(tmpdir(), 'sy-name-')), 'nightly-report.yaml');
    writeFileSync(file, 'stages:\n  - type: test\n    task: { op: value, value: 2 }\n');
    const fromFile = await h.run(file);
    expect(fromFile.status).toBe('completed');
    expect(fromFile.pipeline).toBe('nightly-report');
    const events: RunEvent[] = [];
    for await (const event of h.stream({ stages: [...stages] })) events.push(event);
    expect(events[0]).toMatchObject({ type: 'run.started', pipeline: 'hybrid' });
  });

  it('offers seed 002 execute({ stages }) and the recommender', async () => {
    const { hub: h } = hub();
    const result = await h.execute({ stages: [{ type: 'test', task: { op: 'value', value: 1 } }] });
    expect(result.pipeline).toBe('hybrid');
    expect(result.output).toBe(1);
    const rec = await h.recommendOrchestrator('Need to analyze documents and get approval');
    // seed 002's example answer, with the same plan the selector gives
    expect(rec.type).toBe('llamaindex');
    expect(rec.plan?.map((s) => s.type)).toEqual(['llamaindex', 'langgraph']);
  });

  it('records the auto decision and its reasons in the history', async () => {
    const store = new MemoryRunStore();
    const h = new HybridOrchestrator({ store, builtins: false, adapters: { agno: testAdapter('agno') } });
    const result = await h.run({ name: 'auto', stages: [{ id: 'pick', type: 'auto', taskType: 'simple_task', task: { op: 'value', value: 1 } }] });
    expect(result.status).toBe('completed');
    expect(result.stages[0]?.type).toBe('agno');
    const decision = result.history.find((h) => h.outcome === 'decision');
    expect(decision).toMatchObject({ stageId: 'pick', engine: 'agno' });
    expect(decision?.reasons?.[0]).toBe('selector: taskType=simple_task');
  });
});
