import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { HybridOrchestrator, MemoryRunStore, openRunStore } from 'switchyard';
import type { ScheduleRecord } from 'switchyard';
import type { ScheduledEtlResult } from 'switchyard/prefect';
import { createTestSchedules } from '../../../src/kit/testing/test-context.js';
import { findSameSchedule, scheduleIdentity } from '../../../src/schedule/identity.js';
import { runCli } from '../../helpers/run-cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'switchyard-schedule-dup-'));
let home: string;
let dir: string;
let n = 0;
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
beforeEach(() => {
  dir = join(tmp, `case-${n++}`);
  home = join(dir, 'home');
  mkdirSync(dir);
  process.env.SWITCHYARD_HOME = home;
});

/** nightly.yaml: one scheduled_etl stage (`etl`) that registers `nightly.etl` when it runs. */
function nightly(cron = '0 3 * * *'): string {
  const file = join(dir, 'nightly.yaml');
  writeFileSync(file, `name: nightly\nstages:\n  - id: etl\n    type: prefect\n    task:\n      type: scheduled_etl\n      schedule: "${cron}"\n      sources:\n        - name: numbers\n          records: [1, 2, 3]\n`, { flag: 'w' });
  return file;
}

async function schedules(): Promise<ScheduleRecord[]> {
  const store = await openRunStore(home);
  try {
    return await store.listSchedules();
  } finally {
    await store.close();
  }
}

async function runPipeline(file: string): Promise<ScheduledEtlResult['schedule']> {
  const store = await openRunStore(home);
  const hub = new HybridOrchestrator({ home, store });
  try {
    const result = await hub.run(file);
    expect(result.status).toBe('completed');
    return (result.output as ScheduledEtlResult).schedule;
  } finally {
    await hub.close();
    await store.close();
  }
}

describe('one schedule per pipeline file and timing', () => {
  it('schedule add after the stage registered nightly.etl says so in one line, exits 0 and adds nothing', async () => {
    const file = nightly();
    await runPipeline(file);
    expect((await schedules()).map((s) => s.id)).toEqual(['nightly.etl']);

    // The cron taken from the scheduled_etl stage, the same cron given, spelt differently, and with the default zone named.
    for (const timing of [[], ['--cron', '0 3 * * *'], ['--cron', '0 0 3 * * *'], ['--cron', '0  3 * * *', '--tz', 'UTC']]) {
      const result = await runCli('schedule', 'add', file, ...timing);
      expect(result, timing.join(' ')).toEqual({ code: 0, stdout: 'already scheduled as nightly.etl: cron 0 3 * * *; nothing added\n', stderr: '' });
    }
    const json = await runCli('schedule', 'add', file, '--json');
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ id: 'nightly.etl', cron: '0 3 * * *', alreadyScheduled: true });
    expect((await schedules()).map((s) => s.id)).toEqual(['nightly.etl']);

    // Another timing is another schedule.
    const paris = await runCli('schedule', 'add', file, '--tz', 'Europe/Paris', '--id', 'nightly-paris');
    expect(paris.code, paris.stderr).toBe(0);
    expect(paris.stdout).toMatch(/^added schedule nightly-paris: cron 0 3 \* \* \* \(Europe\/Paris\)/);
    expect((await schedules()).map((s) => s.id).sort()).toEqual(['nightly-paris', 'nightly.etl']);
  });

  it('the stage does not register a duplicate of an earlier schedule add, and names that schedule', async () => {
    const file = nightly();
    const added = await runCli('schedule', 'add', file, '--json');
    expect(added.code, added.stderr).toBe(0);
    const id = (JSON.parse(added.stdout) as ScheduleRecord).id;
    expect(id).toMatch(/^nightly-[0-9a-f]{6}$/);

    expect(await runPipeline(file)).toMatchObject({ registered: true, id });
    expect(await runPipeline(file)).toMatchObject({ registered: true, id });
    expect((await schedules()).map((s) => s.id)).toEqual([id]);

    const runs = await runCli('runs', 'list', '--json');
    const runId = (JSON.parse(runs.stdout) as { runId: string }[])[0]!.runId;
    const store = await openRunStore(home);
    try {
      const events = await store.listEvents(runId);
      const registered = events.find((e) => e.type === 'stage.engine' && e.event.kind === 'schedule.registered');
      expect(registered).toMatchObject({ event: { message: `already scheduled as ${id}: 0 3 * * *`, data: { id, alreadyScheduled: true } } });
    } finally {
      await store.close();
    }
  });

  it('a stage whose cron moves onto an added schedule drops its own instead of firing twice', async () => {
    const file = nightly('0 3 * * *');
    await runPipeline(file);
    expect((await runCli('schedule', 'add', file, '--cron', '0 4 * * *', '--id', 'four')).code).toBe(0);
    expect((await schedules()).map((s) => s.id).sort()).toEqual(['four', 'nightly.etl']);
    nightly('0 4 * * *');
    expect(await runPipeline(file)).toMatchObject({ registered: true, id: 'four' });
    expect((await schedules()).map((s) => [s.id, s.cron])).toEqual([['four', '0 4 * * *']]);
  });

  it('intervals: the same file and interval twice adds one; a taken --id stays an error', async () => {
    const file = nightly();
    const first = await runCli('schedule', 'add', file, '--every', '1h', '--id', 'hourly');
    expect(first.code, first.stderr).toBe(0);
    expect(await runCli('schedule', 'add', file, '--every', '60m')).toEqual({ code: 0, stdout: 'already scheduled as hourly: every 1h; nothing added\n', stderr: '' });
    const input = await runCli('schedule', 'add', file, '--every', '1h', '--input', '{"team":"ops"}');
    expect(input).toMatchObject({ code: 0, stdout: 'already scheduled as hourly: every 1h; nothing added (its input differs: switchyard schedule rm hourly, then add again)\n' });
    const taken = await runCli('schedule', 'add', file, '--every', '1h', '--id', 'hourly');
    expect(taken).toMatchObject({ code: 2, stdout: '' });
    expect(taken.stderr).toMatch(/^error: schedule hourly already exists/);
    expect((await schedules()).map((s) => s.id)).toEqual(['hourly']);
  });

  it('a hub on a MemoryRunStore and the adapter-kit test context follow the same rule', async () => {
    const file = nightly();
    const store = new MemoryRunStore();
    const { createScheduleRecord } = await import('switchyard');
    await store.saveSchedule(createScheduleRecord({ id: 'by-hand', pipelineFile: file, cron: '0 0 3 * * *', timezone: 'UTC' }));
    const hub = new HybridOrchestrator({ home, store });
    const result = await hub.run(file);
    expect((result.output as ScheduledEtlResult).schedule).toMatchObject({ registered: true, id: 'by-hand' });
    expect((await store.listSchedules()).map((s) => s.id)).toEqual(['by-hand']);
    await hub.close();

    const testSchedules = createTestSchedules({ pipelineFile: file, pipelineName: 'nightly', stageId: 'etl' });
    testSchedules.records.set('by-hand', createScheduleRecord({ id: 'by-hand', pipelineFile: file, cron: '0 3 * * *' }));
    expect(await testSchedules.register({ cron: '0 3 * * *' })).toEqual({ registered: true, id: 'by-hand', changed: false, alreadyScheduled: true });
    expect(await testSchedules.register({ cron: '0 5 * * *' })).toEqual({ registered: true, id: 'nightly.etl', changed: true });
    expect([...testSchedules.records.keys()].sort()).toEqual(['by-hand', 'nightly.etl']);
  });

  it('scheduleIdentity compares what a schedule fires on', () => {
    const base = { pipelineFile: '/p/nightly.yaml' };
    expect(scheduleIdentity({ ...base, cron: '@daily' })).toBe(scheduleIdentity({ ...base, cron: '0 0 * * *', timezone: 'UTC' }));
    expect(scheduleIdentity({ ...base, cron: '0 3 * * 7' })).toBe(scheduleIdentity({ ...base, cron: '0 3 * * SUN' }));
    expect(scheduleIdentity({ ...base, cron: '0 3 * * *' })).not.toBe(scheduleIdentity({ ...base, cron: '0 3 * * *', timezone: 'Europe/Paris' }));
    expect(scheduleIdentity({ ...base, cron: '0 3 * * *' })).not.toBe(scheduleIdentity({ pipelineFile: '/p/other.yaml', cron: '0 3 * * *' }));
    expect(scheduleIdentity({ ...base, intervalMs: 60_000 })).not.toBe(scheduleIdentity({ ...base, intervalMs: 120_000 }));
    const records = [{ ...base, id: 'a', cron: '0 3 * * *', paused: false, overlap: 'skip', missed: 'skip', createdAt: '' }] satisfies ScheduleRecord[];
    expect(findSameSchedule(records, { ...base, cron: '0 0 3 * * *' })?.id).toBe('a');
    expect(findSameSchedule(records, { ...base, cron: '0 0 3 * * *' }, 'a')).toBeUndefined();
  });
});
