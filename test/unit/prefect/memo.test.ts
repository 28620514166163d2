import { appendFileSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import { HybridOrchestrator, MemoryRunStore, ProgressSink, Resources, openRunStore } from 'switchyard';
import type { Handler, RunEvent } from 'switchyard';
import { createTestContext } from 'switchyard/adapter-kit/testing';
import { createPrefectAdapter, prefectTaskSchema } from 'switchyard/prefect';
import type { DagNodeInput, DagResult } from 'switchyard/prefect';

const kinds = (events: readonly RunEvent[], stageId: string) =>
  events.flatMap((e) => (e.type === 'stage.engine' && e.stageId === stageId ? [e.event] : []));

/** Three chained nodes; `c` throws while `state.failC` is set. Each call is counted (in memory and in `log`, a file). */
function chain(log?: string) {
  const calls: Record<string, number> = { a: 0, b: 0, c: 0 };
  const state = { failC: 1 };
  const count = (name: string) => {
    calls[name] = (calls[name] ?? 0) + 1;
    if (log) appendFileSync(log, `${name}\n`);
  };
  const resources = new Resources();
  resources.set('handler', 'a', ((input: DagNodeInput) => (count('a'), { a: input.input })) as Handler);
  resources.set('handler', 'b', ((input: DagNodeInput) => (count('b'), { b: input.deps.a })) as Handler);
  resources.set('handler', 'c', ((input: DagNodeInput) => {
    count('c');
    if (state.failC-- > 0) throw new Error('c is not ready');
    return { c: input.deps.b };
  }) as Handler);
  return { calls, state, resources };
}

const dagStage = (extra: Record<string, unknown> = {}) => ({ id: 'etl', type: 'prefect', task: { workflow: { nodes: ['a', 'b', 'c'] } }, ...extra });
const lines = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n') : []);

describe('prefect: completed DAG nodes are not run again', () => {
  it('a stage retry runs only the node that failed; the completed ones are reused (node.reused)', async () => {
    const { calls, resources } = chain();
    const store = new MemoryRunStore();
    const hub = new HybridOrchestrator({ store, resources });
    const result = await hub.run({ name: 'memo', stages: [dagStage({ retry: { attempts: 2, minDelayMs: 1 } })] }, { input: { day: 1 } });
    expect(result.status).toBe('completed');
    expect(calls).toEqual({ a: 1, b: 1, c: 2 });
    expect(result.stages[0]).toMatchObject({ status: 'completed', attempts: 2 });
    expect((result.output as DagResult).result).toEqual({ c: { b: { a: { day: 1 } } } });
    expect((result.output as DagResult).stats.reused).toBe(2);
    const events = kinds(await store.listEvents(result.runId), 'etl');
    expect(events.filter((e) => e.kind === 'node.reused').map((e) => e.data?.node)).toEqual(['a', 'b']);
    expect(events.find((e) => e.kind === 'dag.reused')?.message).toBe('2 of 3 nodes completed in an earlier attempt, not run again');
    expect((await store.listStepResults(result.runId, 'etl')).map((r) => r.key.split(':').slice(0, 2).join(':'))).toEqual(['0:a', '0:b', '0:c']);
    await hub.close();
  });

  it('the progress display shows what a retry reused', async () => {
    const stream = Object.assign(new PassThrough(), { isTTY: true, columns: 80, cursorTo: () => true, clearLine: () => true, moveCursor: () => true }) as unknown as NodeJS.WriteStream;
    let text = '';
    (stream as unknown as PassThrough).on('data', (chunk: Buffer) => (text += chunk.toString()));
    const { resources } = chain();
    const hub = new HybridOrchestrator({ store: new MemoryRunStore(), resources, sinks: [new ProgressSink({ stream })] });
    expect((await hub.run({ name: 'memo', stages: [dagStage({ retry: { attempts: 2, minDelayMs: 1 } })] }, { input: 'x' })).status).toBe('completed');
    expect(text).toContain('↺ etl: 2 of 3 nodes completed in an earlier attempt, not run again');
    await hub.close();
  });

  it('a fresh run starts with an empty memo', async () => {
    const { calls, state, resources } = chain();
    const hub = new HybridOrchestrator({ store: new MemoryRunStore(), resources });
    const pipeline = { name: 'memo', stages: [dagStage()] };
    state.failC = 0;
    expect((await hub.run(pipeline, { input: 1 })).status).toBe('completed');
    expect((await hub.run(pipeline, { input: 1 })).status).toBe('completed');
    expect(calls).toEqual({ a: 2, b: 2, c: 2 });
    await hub.close();
  });

  it('a run that failed mid-DAG, resumed by another hub on the same SQLite home, runs only the nodes that had not completed', async () => {
    const home = mkdtempSync(join(tmpdir(), 'sy-memo-'));
    const log = join(home, 'calls.log');
    const pipeline = { name: 'memo', stages: [dagStage()] };
    const first = chain(log);
    const hub1 = new HybridOrchestrator({ home, resources: first.resources });
    const failed = await hub1.run(pipeline, { input: { day: 2 } });
    expect(failed.status).toBe('failed');
    await hub1.close();
    expect(lines(log)).toEqual(['a', 'b', 'c']);

    // another process would build the same handlers; `c` now works
    const second = chain(log);
    second.state.failC = 0;
    const hub2 = new HybridOrchestrator({ home, resources: second.resources });
    const resumed = await hub2.resume(failed.runId);
    expect(resumed.status).toBe('completed');
    expect(lines(log)).toEqual(['a', 'b', 'c', 'c']);
    expect(second.calls).toEqual({ a: 0, b: 0, c: 1 });
    expect((resumed.output as DagResult).result).toEqual({ c: { b: { a: { day: 2 } } } });
    await hub2.close();

    const store = await openRunStore(home);
    try {
      const events = kinds(await store.listEvents(failed.runId), 'etl');
      expect(events.filter((e) => e.kind === 'node.reused').map((e) => e.data?.node)).toEqual(['a', 'b']);
    } finally {
      await store.close();
    }
  });

  it('a changed node definition is not reused, nor is anything downstream of it', async () => {
    const { calls, state, resources } = chain();
    resources.set('handler', 'b2', ((input: DagNodeInput) => ((calls.b2 = (calls.b2 ?? 0) + 1), { b2: input.deps.a })) as Handler);
    const hub = new HybridOrchestrator({ store: new MemoryRunStore(), resources });
    const failed = await hub.run({ name: 'memo', stages: [dagStage()] }, { input: 3 });
    expect(failed.status).toBe('failed');
    expect(calls).toEqual({ a: 1, b: 1, c: 1 });
    state.failC = 0;
    const changed = { name: 'memo', stages: [dagStage({ task: { workflow: { nodes: ['a', { id: 'b', handler: 'b2' }, 'c'] } } })] };
    const resumed = await hub.resume(failed.runId, { pipeline: changed });
    expect(resumed.status).toBe('completed');
    // a is the same node with the same input; b is bound to another handler, so b and c (its input changed) run
    expect(calls).toEqual({ a: 1, b: 1, b2: 1, c: 2 });
    expect((resumed.output as DagResult).result).toEqual({ c: { b2: { a: 3 } } });
    await hub.close();
  });

  it('a changed stage input is not reused', async () => {
    const { calls, state, resources } = chain();
    const hub = new HybridOrchestrator({ store: new MemoryRunStore(), resources });
    const stage = (value: number) => ({ name: 'memo', stages: [dagStage({ input: () => value })] });
    const failed = await hub.run(stage(1));
    expect(failed.status).toBe('failed');
    state.failC = 0;
    const resumed = await hub.resume(failed.runId, { pipeline: stage(2) });
    expect(resumed.status).toBe('completed');
    expect(calls).toEqual({ a: 2, b: 2, c: 2 });
    expect((resumed.output as DagResult).result).toEqual({ c: { b: { a: 2 } } });
    await hub.close();
  });

  it('an output that is not JSON is not memoized: the node and its dependants run again', async () => {
    const { calls, resources } = chain();
    resources.set('handler', 'a', (() => ((calls.a = (calls.a ?? 0) + 1), { when: new Date(0) })) as Handler);
    const hub = new HybridOrchestrator({ store: new MemoryRunStore(), resources });
    const result = await hub.run({ name: 'memo', stages: [dagStage({ retry: { attempts: 2, minDelayMs: 1 } })] }, { input: 1 });
    expect(result.status).toBe('completed');
    expect(calls).toEqual({ a: 2, b: 2, c: 2 });
    await hub.close();
  });

  it('a stage run again by an onFailure.goto jump after it completed runs its nodes again', async () => {
    const { calls, state, resources } = chain();
    state.failC = 0;
    let checks = 0;
    resources.set('handler', 'check', (() => {
      if (++checks === 1) throw new Error('not yet');
      return 'ok';
    }) as Handler);
    const hub = new HybridOrchestrator({ store: new MemoryRunStore(), resources });
    const result = await hub.run({
      name: 'memo',
      // the same input on both passes: only the pass tells them apart
      stages: [dagStage({ input: 'input' }), { id: 'check', type: 'prefect', task: { workflow: { nodes: ['check'] } }, onFailure: { goto: 'etl' } }],
    }, { input: 1 });
    expect(result.status).toBe('completed');
    expect(calls).toEqual({ a: 2, b: 2, c: 2 });
    await hub.close();
  });
});

describe('prefect memo with createTestContext', () => {
  it('a context given the memo values of an earlier one reuses its completed nodes', async () => {
    const adapter = createPrefectAdapter();
    const { calls, resources } = chain();
    const task = prefectTaskSchema.parse({ workflow: { nodes: ['a', 'b', 'c'] } });
    const first = createTestContext({ engine: 'prefect', resources, input: 'x' });
    await expect(adapter.execute(task, first)).rejects.toMatchObject({ code: 'STAGE_FAILED' });
    expect([...first.memo.values.keys()].map((k) => k.split(':')[0])).toEqual(['a', 'b']);
    const second = createTestContext({ engine: 'prefect', resources, input: 'x', attempt: 2, memo: first.memo.values });
    const result = (await adapter.execute(task, second)) as DagResult;
    expect(result.result).toEqual({ c: { b: { a: 'x' } } });
    expect(calls).toEqual({ a: 1, b: 1, c: 2 });
    expect(second.events.filter((e) => e.kind === 'node.reused').map((e) => e.data?.node)).toEqual(['a', 'b']);
  });

  it('a memo that cannot be written warns and the DAG still completes', async () => {
    const adapter = createPrefectAdapter();
    const { resources, state } = chain();
    state.failC = 0;
    const ctx = createTestContext({ engine: 'prefect', resources, input: 1 });
    const broken = Object.assign(ctx, { memo: { ...ctx.memo, set: () => Promise.reject(new Error('disk full')) } });
    const result = (await adapter.execute(prefectTaskSchema.parse({ workflow: { nodes: ['a', 'b', 'c'] } }), broken)) as DagResult;
    expect(result.completed).toEqual(['a', 'b', 'c']);
    expect(ctx.events.filter((e) => e.kind === 'memo.warning').map((e) => e.message)).toEqual(['node "a": its output was not kept, a retry runs it again: disk full']);
  });
});
