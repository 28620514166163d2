import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { HybridOrchestrator, MemoryRunStore, defineAdapter, waitForApproval } from 'switchyard';
import type { RunLease, RunStore } from 'switchyard';
import { resolveLeaseSettings } from '../../../src/pipeline/lease.js';
import { isInterrupted, shownRun } from '../../../src/pipeline/run-status.js';

/** A stage that records the lease it sees while it runs, optionally waits, or asks for approval. */
function leaseAdapter(store: RunStore, seen: (RunLease | undefined)[], calls: string[]) {
  return defineAdapter({
    type: 'leased',
    taskSchema: z.strictObject({ waitMs: z.number().optional(), approval: z.boolean().optional() }),
    async execute(task, ctx) {
      calls.push(ctx.stageId);
      seen.push(await store.getLease(ctx.runId));
      if (task.approval && !ctx.approval) return waitForApproval({ point: 'review', message: 'ok?' });
      if (task.waitMs) {
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(resolve, task.waitMs);
          ctx.signal.addEventListener('abort', () => (clearTimeout(timer), reject(ctx.signal.reason)), { once: true });
        });
        seen.push(await store.getLease(ctx.runId));
      }
      return ctx.stageId;
    },
  });
}

function setup(lease?: { ttlMs?: number; renewMs?: number }) {
  const store = new MemoryRunStore();
  const seen: (RunLease | undefined)[] = [];
  const calls: string[] = [];
  // a new orchestrator per call stands in for a new process sharing the store
  const hub = () => new HybridOrchestrator({ store, builtins: false, adapters: { leased: leaseAdapter(store, seen, calls) }, ...(lease ? { lease } : {}) });
  return { store, seen, calls, hub };
}

/** As if the run had stopped in `stageId`: the stage failed, the run failed. */
async function failStage(store: RunStore, runId: string, stageId: string): Promise<void> {
  const stage = (await store.listStages(runId)).find((s) => s.stageId === stageId)!;
  await store.saveStage({ ...stage, status: 'failed' });
  await store.updateRun(runId, { status: 'failed' });
}

const twoStages = { name: 'leased', stages: [{ id: 'a', type: 'leased', task: {} }, { id: 'b', type: 'leased', task: {} }] };
const gated = { name: 'gated', stages: [{ id: 'gate', type: 'leased', task: { approval: true } }, { id: 'after', type: 'leased', task: {} }] };

describe('runs are owned through a lease', () => {
  it('run takes the lease with the record, holds it while stages run and releases it at the end', async () => {
    const { store, seen, hub } = setup();
    const result = await hub().run(twoStages);
    expect(result.status).toBe('completed');
    const record = await store.getRun(result.runId);
    expect(record?.owner).toMatch(new RegExp(`:${process.pid}:[0-9a-f]{8}$`));
    expect(seen.map((l) => l?.owner)).toEqual([record!.owner, record!.owner]);
    expect(await store.getLease(result.runId)).toBeUndefined();
  });

  it('calls onRecorded once the record exists and the lease is held, before any stage', async () => {
    const { store, calls, hub } = setup();
    const order: string[] = [];
    await hub().run(twoStages, {
      runId: 'rec-1',
      onRecorded: async ({ runId }) => {
        order.push(`recorded ${runId} ${(await store.getRun(runId))?.status} ${(await store.getLease(runId)) ? 'leased' : 'free'} after ${calls.length} stages`);
      },
    });
    expect(order).toEqual(['recorded rec-1 running leased after 0 stages']);
  });

  it('renews the lease while a stage outlasts its ttl', async () => {
    const { store, seen, hub } = setup({ ttlMs: 150, renewMs: 40 });
    const result = await hub().run({ name: 'long', stages: [{ id: 'long', type: 'leased', task: { waitMs: 400 } }] }, { signal: new AbortController().signal });
    expect(result.status).toBe('completed');
    expect(seen).toHaveLength(2);
    expect(seen[1]?.owner).toBe(seen[0]?.owner);
    expect(Date.parse(seen[1]!.expiresAt)).toBeGreaterThan(Date.parse(seen[0]!.expiresAt));
    expect(await store.getLease(result.runId)).toBeUndefined();
  });

  it('a run whose lease was taken over is cancelled and does not write its end over the new holder', async () => {
    const { store, hub } = setup({ ttlMs: 150, renewMs: 40 });
    const controller = new AbortController();
    const running = hub().run({ name: 'stolen', stages: [{ id: 'long', type: 'leased', task: { waitMs: 5000 } }] }, { runId: 'stolen-1', signal: controller.signal });
    let lease: RunLease | undefined;
    while (!(lease = await store.getLease('stolen-1'))) await new Promise((r) => setTimeout(r, 5));
    // another process takes the run over (as if this one had been stopped longer than the ttl)
    await store.releaseLease(lease);
    expect((await store.acquireLease('stolen-1', { owner: 'other:1:abcdef12', ttlMs: 60_000 })).acquired).toBe(true);
    await store.updateRun('stolen-1', { status: 'running', owner: 'other:1:abcdef12' });
    await expect(running).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('lost the run') });
    expect(await store.getRun('stolen-1')).toMatchObject({ status: 'running', owner: 'other:1:abcdef12' });
    expect((await store.getLease('stolen-1'))?.owner).toBe('other:1:abcdef12');
  });

  it('resume of a run another process holds fails with CONFLICT naming the holder, before loading anything', async () => {
    const { store, calls, hub } = setup();
    await hub().run(twoStages, { runId: 'held-1' });
    await store.updateRun('held-1', { status: 'failed' });
    const acquired = await store.acquireLease('held-1', { owner: 'build-7:4242:ab12cd34', ttlMs: 60_000 });
    expect(acquired.acquired).toBe(true);
    const before = calls.length;
    const error = await hub()
      .resume('held-1', { pipeline: { name: 'broken', stages: [{ id: 'x', type: 'nope', task: {} }] } })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'CONFLICT', details: { runId: 'held-1', holder: 'build-7:4242:ab12cd34' } });
    expect((error as Error).message).toMatch(/^run held-1 is held by process 4242 on build-7 \(build-7:4242:ab12cd34\) until \S+Z \(status failed\); only one process can continue it$/);
    expect(calls.length).toBe(before);
    expect((await store.getRun('held-1'))?.status).toBe('failed');
  });

  it('of two resumes started together in one process, one continues and the other gets CONFLICT', async () => {
    const { store, calls, hub } = setup();
    await hub().run(twoStages, { runId: 'twin' });
    await failStage(store, 'twin', 'b');
    calls.length = 0;
    const outcomes = await Promise.allSettled([hub().resume('twin'), hub().resume('twin')]);
    expect(outcomes.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected']);
    const rejected = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult;
    expect(rejected.reason).toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/^run twin is (held by process \d+ on |completed; only unfinished runs)/) });
    expect(calls).toEqual(['b']);
  });

  it('of two approvals started together, one records its decision and resumes; the other gets CONFLICT', async () => {
    const { store, calls, hub } = setup();
    const waiting = await hub().run(gated);
    expect(waiting.status).toBe('waiting');
    expect(await store.getLease(waiting.runId)).toBeUndefined();
    const outcomes = await Promise.allSettled([hub().approve(waiting.runId, { by: 'ana' }), hub().reject(waiting.runId, { by: 'bo' })]);
    expect(outcomes.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect((outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult).reason).toMatchObject({ code: 'CONFLICT' });
    expect(calls).toEqual(['gate', 'gate', 'after']);
    const approvals = await store.listApprovals(waiting.runId);
    expect(approvals).toHaveLength(1);
    expect(approvals[0]?.decision).toBeDefined();
  });

  it('approve of a run that is not waiting keeps its message; an unknown run is NOT_FOUND', async () => {
    const { hub } = setup();
    const done = await hub().run(twoStages);
    await expect(hub().approve(done.runId)).rejects.toMatchObject({ code: 'CONFLICT', message: `run ${done.runId} is completed, not waiting for approval` });
    await expect(hub().resume(done.runId)).rejects.toMatchObject({ code: 'CONFLICT', message: `run ${done.runId} is completed; only unfinished runs can be resumed` });
    await expect(hub().resume('nope')).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringMatching(/^no run "nope" in /) });
  });

  it('a running run whose lease expired is interrupted and resumes in another process', async () => {
    const { store, calls, hub } = setup();
    await hub().run(twoStages, { runId: 'crashed' });
    // as if the process died mid-run: running, owned by a lease that has since expired
    await failStage(store, 'crashed', 'b');
    await store.updateRun('crashed', { status: 'running', owner: 'gone:1:00000000', pid: 999_999_999 });
    const run = (await store.getRun('crashed'))!;
    expect((await shownRun(store, run)).status).toBe('interrupted');
    expect((await store.acquireLease('crashed', { owner: 'gone:1:00000000', ttlMs: 60_000 })).acquired).toBe(true);
    expect((await shownRun(store, run)).status).toBe('running');
    await expect(hub().resume('crashed')).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('is held by process 1 on gone') });
    const lease = (await store.getLease('crashed'))!;
    await store.releaseLease(lease);
    calls.length = 0;
    expect((await hub().resume('crashed')).status).toBe('completed');
    expect(calls).toEqual(['b']);
  });

  it('isInterrupted: a leased record by its lease, a record without an owner by its pid', () => {
    expect(isInterrupted({ status: 'running', owner: 'h:1:x' })).toBe(true);
    expect(isInterrupted({ status: 'running', owner: 'h:1:x' }, { owner: 'h:1:x' })).toBe(false);
    expect(isInterrupted({ status: 'waiting', owner: 'h:1:x' })).toBe(false);
    expect(isInterrupted({ status: 'running', pid: process.pid })).toBe(false);
    expect(isInterrupted({ status: 'running', pid: 999_999_999 })).toBe(true);
  });

  it('lease settings: defaults, environment, and one clear error for a renewal not shorter than the ttl', () => {
    expect(resolveLeaseSettings(undefined, {})).toEqual({ ttlMs: 30_000, renewMs: 10_000 });
    expect(resolveLeaseSettings(undefined, { SWITCHYARD_LEASE_TTL_MS: '3000' })).toEqual({ ttlMs: 3000, renewMs: 1000 });
    expect(resolveLeaseSettings({ ttlMs: 900, renewMs: 100 }, { SWITCHYARD_LEASE_TTL_MS: '3000' })).toEqual({ ttlMs: 900, renewMs: 100 });
    expect(() => resolveLeaseSettings({ ttlMs: 100, renewMs: 100 }, {})).toThrow(/^lease\.renewMs: expected less than the lease ttl \(100 ms\); got 100$/);
    expect(() => resolveLeaseSettings(undefined, { SWITCHYARD_LEASE_TTL_MS: 'soon' })).toThrow(/^SWITCHYARD_LEASE_TTL_MS: expected a positive integer/);
  });
});
