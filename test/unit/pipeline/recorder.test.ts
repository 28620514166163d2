import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { HybridOrchestrator, MemoryRunStore, defineAdapter, openRunStore, type RunStore } from 'switchyard';
import type { RunCommit } from '../../../src/store/types.js';
import { newProbe, testAdapter } from '../../helpers/hub-adapters.js';

/** A MemoryRunStore that counts durable points. */
class CommitCountingStore extends MemoryRunStore {
  commits: RunCommit[] = [];
  override async commit(commit: RunCommit): Promise<void> {
    this.commits.push(commit);
    return super.commit(commit);
  }
}

/** The same store without `commit`: the hub writes one record at a time. */
function withoutCommit(store: MemoryRunStore): RunStore {
  return new Proxy(store, {
    get(target, property) {
      if (property === 'commit') return undefined;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** Every kind of outcome in one run: completed, skipped, failed (continue), a fan-in with a failed branch, waiting. */
const everyOutcome = {
  name: 'outcomes',
  stages: [
    { id: 'done', type: 'test', task: { op: 'data', key: 'k', value: 1 } },
    { id: 'skipped', type: 'test', task: { op: 'echo' }, when: 'false' },
    { id: 'broken', type: 'test', task: { op: 'fail' }, onFailure: 'continue' },
    {
      id: 'fan',
      parallel: [
        { id: 'left', type: 'test', task: { op: 'value', value: 'L' } },
        { id: 'right', type: 'test', task: { op: 'fail' } },
      ],
      onFailure: 'continue',
    },
    { id: 'gate', type: 'test', task: { op: 'approve' } },
  ],
};

function hubWith(store: RunStore) {
  return new HybridOrchestrator({ store, builtins: false, adapters: { test: testAdapter('test', newProbe()) } });
}

describe('the run recorder', () => {
  it('records every outcome once: the store holds the result’s stages and history, with one event each', async () => {
    const store = new MemoryRunStore();
    const result = await hubWith(store).run(everyOutcome);
    expect(result.status).toBe('waiting');
    expect(await store.listStages(result.runId)).toEqual(result.stages.map((s) => ({ runId: result.runId, stageId: s.id, engine: s.type, ...strip(s) })));
    expect(await store.listHistory(result.runId)).toEqual(result.history);
    expect(result.history.map((h) => [h.stageId, h.outcome])).toEqual([
      ['done', 'completed'],
      ['skipped', 'skipped'],
      ['broken', 'failed'],
      ['left', 'completed'],
      ['right', 'failed'],
      ['fan', 'failed'],
      ['gate', 'waiting'],
    ]);
    const events = await store.listEvents(result.runId);
    const outcomes = events.filter((e) => /^stage\.(completed|failed|skipped|waiting)$/.test(e.type)).map((e) => [e.type, 'stageId' in e ? e.stageId : '']);
    // the fan-in is announced by its branches' events
    expect(outcomes).toEqual([
      ['stage.completed', 'done'],
      ['stage.skipped', 'skipped'],
      ['stage.failed', 'broken'],
      ['stage.completed', 'left'],
      ['stage.failed', 'right'],
      ['stage.waiting', 'gate'],
    ]);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(await store.listApprovals(result.runId)).toEqual([expect.objectContaining({ stageId: 'gate', approval: expect.objectContaining({ point: 'gate' }) })]);
    expect((await store.getRun(result.runId))?.data).toEqual({ k: 1 });
  });

  it('writes the same records through SQLite, through a store without `commit`, and in memory', async () => {
    const contents = async (store: RunStore, runId: string) => ({
      stages: (await store.listStages(runId)).map(({ startedAt: _s, endedAt: _e, durationMs: _d, ...rest }) => rest),
      history: (await store.listHistory(runId)).map(({ startedAt: _s, endedAt: _e, durationMs: _d, ...rest }) => rest),
      events: (await store.listEvents(runId)).map((e) => [e.seq, e.type]),
      approvals: (await store.listApprovals(runId)).map(({ createdAt: _c, ...rest }) => rest),
      run: await store.getRun(runId).then((r) => ({ status: r?.status, data: r?.data, output: r?.output })),
    });
    const memory = new MemoryRunStore();
    const sqlite = await openRunStore(mkdtempSync(join(tmpdir(), 'sy-recorder-')));
    const plain = withoutCommit(new MemoryRunStore());
    try {
      const seen = [];
      for (const store of [memory, sqlite, plain]) {
        const { runId } = await hubWith(store).run(everyOutcome, { runId: 'same' });
        seen.push(await contents(store, runId));
      }
      expect(seen[1]).toEqual(seen[0]);
      expect(seen[2]).toEqual(seen[0]);
    } finally {
      await sqlite.close();
    }
  });

  it('makes a step’s outcome durable before the next step runs, and lets the last one join the run’s end', async () => {
    const store = new CommitCountingStore();
    let seenByTwo: string[] = [];
    const look = defineAdapter({
      type: 'look',
      taskSchema: z.object({}),
      async execute(_task, ctx) {
        seenByTwo = (await store.listStages(ctx.runId)).map((s) => `${s.stageId}:${s.status}`);
        return null;
      },
    });
    const hub = new HybridOrchestrator({ store, builtins: false, adapters: { test: testAdapter('test', newProbe()), look } });
    const result = await hub.run({ name: 'three', stages: [{ id: 'one', type: 'test', task: { op: 'value', value: 1 } }, { id: 'two', type: 'look', task: {} }, { id: 'three', type: 'test', task: { op: 'value', value: 3 } }] });
    expect(result.status).toBe('completed');
    expect(seenByTwo).toEqual(['one:completed']);
    // one commit per stage boundary; the last stage's is the run's end
    expect(store.commits.map((c) => [c.stage?.stageId, c.run?.status])).toEqual([
      ['one', undefined],
      ['two', undefined],
      ['three', 'completed'],
    ]);
    expect(store.commits.at(-1)?.events?.map((e) => e.type)).toEqual(['stage.started', 'stage.engine', 'stage.completed', 'run.finished']);
  });

  it('writes branch outcomes of a parallel group at once, while other branches still run', async () => {
    const store = new CommitCountingStore();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let seenBySlow: string[] = [];
    const slow = defineAdapter({
      type: 'slow',
      taskSchema: z.object({}),
      async execute(_task, ctx) {
        await gate;
        seenBySlow = (await store.listStages(ctx.runId)).map((s) => `${s.stageId}:${s.status}`);
        return 'slow';
      },
    });
    const fast = defineAdapter({
      type: 'fast',
      taskSchema: z.object({}),
      async execute() {
        setTimeout(release, 10);
        return 'fast';
      },
    });
    const hub = new HybridOrchestrator({ store, builtins: false, adapters: { slow, fast } });
    const result = await hub.run({ name: 'par', stages: [{ id: 'group', parallel: [{ id: 's', type: 'slow', task: {} }, { id: 'f', type: 'fast', task: {} }] }] });
    expect(result.status).toBe('completed');
    expect(seenBySlow).toEqual(['f:completed']);
  });
});

function strip(stage: { status: string; attempts: number; output?: unknown; error?: unknown; startedAt?: string; endedAt?: string; durationMs?: number }) {
  const { status, attempts, output, error, startedAt, endedAt, durationMs } = stage;
  return {
    status,
    attempts,
    ...(output === undefined ? {} : { output }),
    ...(error === undefined ? {} : { error }),
    ...(startedAt ? { startedAt } : {}),
    ...(endedAt ? { endedAt } : {}),
    ...(durationMs === undefined ? {} : { durationMs }),
  };
}
