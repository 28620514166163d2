import { afterEach, describe, expect, it } from 'vitest';
import { MemoryRunStore, createScheduleRecord } from 'switchyard';
import { runRecord } from 'switchyard/adapter-kit/testing';
import type { Scheduler, SchedulerEvent, ScheduledRunner } from 'switchyard';
import { createLocalScheduler } from 'switchyard/prefect';

async function waitFor(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

const schedulers: Scheduler[] = [];
afterEach(async () => {
  await Promise.all(schedulers.splice(0).map((s) => s.stop({ graceMs: 0 })));
});

describe('schedulers sharing one store', () => {
  it('two schedulers fire each slot of an interval schedule once, and agree on the slots', async () => {
    const store = new MemoryRunStore();
    const fired: { owner: string; runId: string }[] = [];
    const events: SchedulerEvent[] = [];
    const make = (owner: string) => {
      const runner: ScheduledRunner = {
        async run(_schedule, { runId }) {
          fired.push({ owner, runId });
          return { runId, status: 'completed' };
        },
      };
      const scheduler = createLocalScheduler({ store, runner, onEvent: (e) => events.push(e), reloadMs: 100, owner });
      schedulers.push(scheduler);
      return scheduler;
    };
    await store.saveSchedule(createScheduleRecord({ id: 'tick', pipelineFile: 'tick.yaml', intervalMs: 300, overlap: 'allow' }));
    await Promise.all([make('one').start(), make('two').start()]);
    await waitFor(() => events.filter((e) => e.type === 'schedule.fired').length >= 5);
    await Promise.all(schedulers.splice(0).map((s) => s.stop({ graceMs: 1000 })));
    const slots = events.flatMap((e) => (e.type === 'schedule.fired' ? [e.slot] : []));
    expect(new Set(slots).size).toBe(slots.length);
    // the loser of each slot skipped it: every slot was seen by both
    const claimed = events.flatMap((e) => (e.type === 'schedule.skipped' && e.reason === 'claimed' ? [e.slot] : []));
    expect(claimed.every((slot) => slots.includes(slot))).toBe(true);
    expect(claimed.length).toBeGreaterThanOrEqual(slots.length - 2);
    // an interval schedule's lastRunAt is the slot it fired, on the interval's lattice
    const saved = (await store.getSchedule('tick'))!;
    expect((Date.parse(saved.lastRunAt!) - Date.parse(saved.createdAt)) % 300).toBe(0);
    expect(fired).toHaveLength(slots.length);
  });

  it('points the schedule at the run only once the runner recorded it', async () => {
    const store = new MemoryRunStore();
    const seen: (string | undefined)[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const runner: ScheduledRunner = {
      async run(_schedule, { runId, onRecorded }) {
        seen.push((await store.getSchedule('once'))?.lastRunId);
        await store.createRun(runRecord(runId));
        await onRecorded?.();
        seen.push((await store.getSchedule('once'))?.lastRunId);
        await gate;
        return { runId, status: 'completed' };
      },
    };
    const scheduler = createLocalScheduler({ store, runner, reloadMs: 0 });
    schedulers.push(scheduler);
    await store.saveSchedule(createScheduleRecord({ id: 'once', pipelineFile: 'p.yaml', intervalMs: 200 }));
    await scheduler.start();
    await waitFor(() => seen.length >= 2);
    expect(seen[0]).toBeUndefined();
    expect(seen[1]).toMatch(/^sched-/);
    expect(await store.getRun(seen[1]!)).toBeDefined();
    release();
  });

  it('a stop with hurry aborted ends the grace period at once', async () => {
    const store = new MemoryRunStore();
    const runner: ScheduledRunner = {
      async run(_schedule, { runId, signal }) {
        await new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason as Error)));
        return { runId, status: 'completed' };
      },
    };
    const scheduler = createLocalScheduler({ store, runner, reloadMs: 0 });
    await store.saveSchedule(createScheduleRecord({ id: 'stuck', pipelineFile: 's.yaml', intervalMs: 200 }));
    await scheduler.start();
    await waitFor(() => scheduler.running().size > 0);
    const hurry = new AbortController();
    const started = Date.now();
    const stopping = scheduler.stop({ graceMs: 60_000, hurry: hurry.signal });
    setTimeout(() => hurry.abort(), 50);
    const report = await stopping;
    expect(report.interrupted).toHaveLength(1);
    expect(Date.now() - started).toBeLessThan(20_000);
  });
});
