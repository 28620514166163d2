import { afterEach, describe, expect, it } from 'vitest';
import { MemoryRunStore, createPipelineRunner, createScheduleRecord } from 'switchyard';
import type { ScheduleRecord, Scheduler, SchedulerEvent, ScheduledRunner } from 'switchyard';
import { createLocalScheduler } from 'switchyard/prefect';

/** Waits for a condition with a generous timeout; no wall-clock threshold is asserted. */
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

function setup(runner: Partial<ScheduledRunner> & Pick<ScheduledRunner, 'run'>, reloadMs = 0) {
  const store = new MemoryRunStore();
  const events: SchedulerEvent[] = [];
  const scheduler = createLocalScheduler({ store, runner, onEvent: (e) => events.push(e), reloadMs });
  schedulers.push(scheduler);
  return { store, events, scheduler };
}

const counting = () => {
  const runs: { schedule: ScheduleRecord; runId: string; trigger: string }[] = [];
  const runner: ScheduledRunner = {
    async run(schedule, { runId, trigger }) {
      runs.push({ schedule, runId, trigger });
      return { runId, status: 'completed' };
    },
  };
  return { runs, runner };
};

describe('bree scheduler', () => {
  it('fires an every-second interval schedule repeatedly and records the last run', async () => {
    const { runs, runner } = counting();
    const { store, scheduler, events } = setup(runner);
    await store.saveSchedule(createScheduleRecord({ id: 'tick', pipelineFile: 'tick.yaml', intervalMs: 1000 }));
    await scheduler.start();
    await waitFor(() => runs.length >= 2);
    expect(runs.every((r) => r.schedule.id === 'tick' && r.trigger === 'schedule')).toBe(true);
    await waitFor(() => events.filter((e) => e.type === 'run.finished').length >= 2);
    const saved = await store.getSchedule('tick');
    expect(saved?.lastRunId).toMatch(/^sched-/);
    expect(Date.parse(saved!.nextRunAt!)).toBeGreaterThan(Date.parse(saved!.lastRunAt!));
  });

  it('fires a six-field cron schedule (every second) in a time zone', async () => {
    const { runs, runner } = counting();
    const { store, scheduler } = setup(runner);
    await store.saveSchedule(createScheduleRecord({ id: 'cron-sec', pipelineFile: 'p.yaml', cron: '* * * * * *', timezone: 'Asia/Kolkata' }));
    await scheduler.start();
    await waitFor(() => runs.length >= 2);
    expect(new Set(runs.map((r) => r.runId)).size).toBe(runs.length);
  });

  it('skips a firing while the last run is still going (overlap: skip)', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let started = 0;
    const { store, scheduler, events } = setup({
      async run(_s, { runId }) {
        started++;
        await gate;
        return { runId, status: 'completed' };
      },
    });
    await store.saveSchedule(createScheduleRecord({ id: 'slow', pipelineFile: 'p.yaml', intervalMs: 300 }));
    await scheduler.start();
    await waitFor(() => events.some((e) => e.type === 'schedule.skipped' && e.reason === 'overlap'));
    expect(started).toBe(1);
    release();
    await waitFor(() => started >= 2);
  });

  it('applies the missed-run policy on start: run-once fires once, skip does not', async () => {
    const { runs, runner } = counting();
    const { store, scheduler, events } = setup(runner);
    const past = new Date(Date.now() - 3_600_000);
    await store.saveSchedule(createScheduleRecord({ id: 'catch-up', pipelineFile: 'a.yaml', cron: '0 3 * * *', missed: 'run-once', now: new Date(past.getTime() - 86_400_000) }));
    await store.saveSchedule({ ...createScheduleRecord({ id: 'drop', pipelineFile: 'b.yaml', cron: '0 3 * * *', missed: 'skip' }), nextRunAt: past.toISOString() });
    await scheduler.start();
    await waitFor(() => runs.length >= 1);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ trigger: 'missed', schedule: { id: 'catch-up' } });
    expect(events).toContainEqual({ type: 'schedule.skipped', scheduleId: 'drop', reason: 'missed' });
    const next = await store.getSchedule('drop');
    expect(Date.parse(next!.nextRunAt!)).toBeGreaterThan(Date.now());
  });

  it('picks up schedules paused, added and removed in the store while running (reload)', async () => {
    const { runs, runner } = counting();
    const { store, scheduler } = setup(runner);
    await scheduler.start();
    await store.saveSchedule(createScheduleRecord({ id: 'late', pipelineFile: 'p.yaml', intervalMs: 200 }));
    await scheduler.reload();
    await waitFor(() => runs.length >= 1);
    await store.saveSchedule({ ...(await store.getSchedule('late'))!, paused: true });
    await scheduler.reload();
    await new Promise((r) => setTimeout(r, 50));
    const count = runs.length;
    await new Promise((r) => setTimeout(r, 600));
    // a firing already in a worker when paused may still land once
    expect(runs.length).toBeLessThanOrEqual(count + 1);
    await store.removeSchedule('late');
    await scheduler.reload();
    expect(scheduler.running().size).toBe(0);
  });

  it('stops cleanly: lets a run finish within the grace period, interrupts one that does not', async () => {
    const interrupted: string[] = [];
    let finishing = 0;
    const { store, scheduler, events } = setup({
      async run(schedule, { runId, signal }) {
        if (schedule.id === 'quick') {
          finishing++;
          await new Promise((r) => setTimeout(r, 100));
          return { runId, status: 'completed' };
        }
        await new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason as Error)));
        return { runId, status: 'completed' };
      },
      async interrupted(runId) {
        interrupted.push(runId);
      },
    });
    await store.saveSchedule(createScheduleRecord({ id: 'quick', pipelineFile: 'q.yaml', intervalMs: 200 }));
    await store.saveSchedule(createScheduleRecord({ id: 'stuck', pipelineFile: 's.yaml', intervalMs: 200 }));
    await scheduler.start();
    await waitFor(() => finishing >= 1 && [...scheduler.running().values()].includes('stuck'));
    const report = await scheduler.stop({ graceMs: 300 });
    expect(report.interrupted).toHaveLength(1);
    expect(interrupted).toEqual(report.interrupted);
    expect(events.at(-1)).toMatchObject({ type: 'scheduler.stopped', interrupted: 1 });
    expect(scheduler.running().size).toBe(0);
  });
});

describe('createPipelineRunner: recording runs the scheduler stopped', () => {
  it('marks running and cancelled runs interrupted, and leaves completed and waiting runs alone', async () => {
    const store = new MemoryRunStore();
    const at = new Date(0).toISOString();
    const statuses = ['running', 'cancelled', 'completed', 'waiting'] as const;
    for (const status of statuses) await store.createRun({ runId: `r-${status}`, pipelineName: 'p', pipeline: {}, input: null, status, createdAt: at, updatedAt: at });
    // The orchestrator is not used by interrupted(); only run() needs it.
    const runner = createPipelineRunner(undefined as never, store);
    for (const status of statuses) await runner.interrupted!(`r-${status}`, createScheduleRecord({ id: 's', pipelineFile: 'p.yaml', intervalMs: 1000 }));
    await runner.interrupted!('missing', createScheduleRecord({ id: 's', pipelineFile: 'p.yaml', intervalMs: 1000 }));
    const after = Object.fromEntries((await store.listRuns()).map((r) => [r.runId, r.status]));
    expect(after).toEqual({ 'r-running': 'interrupted', 'r-cancelled': 'interrupted', 'r-completed': 'completed', 'r-waiting': 'waiting' });
  });
});
