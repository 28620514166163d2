import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { HybridOrchestrator, MemoryRunStore, defineAdapter, waitForApproval, type RunEvent, type RunStore, type StageContext } from 'switchyard';
import { NEVER_ABORTED } from '../../../src/abort.js';

/** A MemoryRunStore that counts how events reach it. */
class CountingStore extends MemoryRunStore {
  single = 0;
  batches: number[] = [];
  override async appendEvent(event: RunEvent): Promise<void> {
    this.single++;
    return super.appendEvent(event);
  }
  override async appendEvents(events: readonly RunEvent[]): Promise<void> {
    this.batches.push(events.length);
    return super.appendEvents(events);
  }
}

const chatty = defineAdapter({
  type: 'chatty',
  taskSchema: z.object({ events: z.number().int(), wait: z.boolean().optional() }),
  async execute(task, ctx) {
    for (let i = 0; i < task.events; i++) {
      ctx.emit({ kind: 'tick', data: { i } });
      if (i % 5 === 0) await Promise.resolve();
    }
    if (task.wait && !ctx.approval) return waitForApproval({ point: 'gate', message: 'ok?' });
    return task.events;
  },
});

describe('event writes are batched', () => {
  it('writes a run’s events in a few appendEvents calls and loses none on a normal finish', async () => {
    const store = new CountingStore();
    const hub = new HybridOrchestrator({ store, builtins: false, adapters: { chatty } });
    const result = await hub.run({ name: 'b', stages: [1, 2, 3].map((n) => ({ id: `s${n}`, type: 'chatty', task: { events: 20 } })) });
    expect(result.status).toBe('completed');
    const events = await store.listEvents(result.runId);
    // run.started + 3 × (stage.started + 20 ticks + stage.completed) + run.finished
    expect(events).toHaveLength(1 + 3 * 22 + 1);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(events.at(-1)?.type).toBe('run.finished');
    expect(store.single).toBe(0);
    expect(store.batches.length).toBeLessThanOrEqual(4);
    expect(store.batches.reduce((a, b) => a + b, 0)).toBe(events.length);
  });

  it('flushes before the run waits for approval', async () => {
    const store = new CountingStore();
    const hub = new HybridOrchestrator({ store, builtins: false, adapters: { chatty } });
    const result = await hub.run({ name: 'w', stages: [{ id: 'gate', type: 'chatty', task: { events: 3, wait: true } }] });
    expect(result.status).toBe('waiting');
    const types = (await store.listEvents(result.runId)).map((e) => e.type);
    expect(types).toEqual(['run.started', 'stage.started', 'stage.engine', 'stage.engine', 'stage.engine', 'stage.waiting', 'run.finished']);
  });

  it('writes the events of a long stage while it still runs', async () => {
    const store = new CountingStore();
    let seenDuringStage = false;
    const slow = defineAdapter({
      type: 'slow',
      taskSchema: z.object({}),
      async execute(_task, ctx) {
        ctx.emit({ kind: 'early' });
        for (let i = 0; i < 500 && !seenDuringStage; i++) {
          seenDuringStage = (await store.listEvents(ctx.runId)).some((e) => e.type === 'stage.engine');
          await new Promise((r) => setTimeout(r, 20));
        }
        return null;
      },
    });
    const hub = new HybridOrchestrator({ store, builtins: false, adapters: { slow } });
    expect((await hub.run({ name: 'slow', stages: [{ type: 'slow', task: {} }] })).status).toBe('completed');
    expect(seenDuringStage).toBe(true);
  });
});

describe('shared helpers', () => {
  it('a run without signal or deadline hands adapters the one NEVER_ABORTED signal (agno’s fast path compares it)', async () => {
    const seen: AbortSignal[] = [];
    const probe = defineAdapter({
      type: 'probe',
      taskSchema: z.object({}),
      execute: async (_task, ctx: StageContext) => void seen.push(ctx.signal),
    });
    const hub = new HybridOrchestrator({ store: new MemoryRunStore() as RunStore, builtins: false, adapters: { probe } });
    await hub.run({ name: 'p', stages: [{ type: 'probe', task: {} }, { type: 'probe', task: {}, timeoutMs: 60_000 }] });
    expect(seen[0]).toBe(NEVER_ABORTED);
    expect(seen[1]).not.toBe(NEVER_ABORTED);
  });
});

describe('langgraph approval message', () => {
  it('reads `Approval needed at "approve" (stage release)` by default', async () => {
    const home = mkdtempSync(join(tmpdir(), 'sy-qa-lg-'));
    const hub = new HybridOrchestrator({ home, store: new MemoryRunStore() });
    try {
      const result = await hub.run({ name: 'lg', stages: [{ id: 'release', type: 'langgraph', task: { workflow: { nodes: ['approve'] } } }] });
      expect(result.status).toBe('waiting');
      expect(result.pendingApproval).toMatchObject({ stageId: 'release', point: 'approve', message: 'Approval needed at "approve" (stage release)' });
    } finally {
      await hub.close();
    }
  });
});
