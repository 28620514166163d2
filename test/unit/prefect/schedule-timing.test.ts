import { describe, expect, it } from 'vitest';
import { SwitchyardError, assertCron, createScheduleRecord, describeSchedule, nextRunAt, parseDuration } from 'switchyard';

describe('schedule timing', () => {
  it('computes the next cron time in the schedule time zone, across a DST change', () => {
    // 02:00 Paris is 01:00 UTC in winter (UTC+1) and 00:00 UTC in summer (UTC+2).
    expect(nextRunAt({ cron: '0 2 * * *', timezone: 'Europe/Paris', createdAt: '' }, new Date('2026-03-01T12:00:00Z')).toISOString()).toBe('2026-03-02T01:00:00.000Z');
    expect(nextRunAt({ cron: '0 2 * * *', timezone: 'Europe/Paris', createdAt: '' }, new Date('2026-07-01T12:00:00Z')).toISOString()).toBe('2026-07-02T00:00:00.000Z');
    expect(nextRunAt({ cron: '0 2 * * *', createdAt: '' }, new Date('2026-07-01T12:00:00Z')).toISOString()).toBe('2026-07-02T02:00:00.000Z');
  });

  it('keeps interval schedules on their phase from the last run', () => {
    const schedule = { intervalMs: 60_000, createdAt: '2026-01-01T00:00:00.000Z', lastRunAt: '2026-01-01T00:10:00.000Z' };
    expect(nextRunAt(schedule, new Date('2026-01-01T00:10:30Z')).toISOString()).toBe('2026-01-01T00:11:00.000Z');
    expect(nextRunAt(schedule, new Date('2026-01-01T03:00:00Z')).toISOString()).toBe('2026-01-01T03:01:00.000Z');
  });

  it('parses durations', () => {
    expect(parseDuration('1s')).toBe(1000);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('250')).toBe(250);
    expect(() => parseDuration('soon')).toThrow('every: expected a duration such as "30s", "5m", "1h30m" or milliseconds; got "soon"');
    expect(() => parseDuration('0s')).toThrow(SwitchyardError);
  });

  it('validates cron expressions and zones with one clear message', () => {
    expect(() => assertCron('0 2 * * *', 'Asia/Tokyo')).not.toThrow();
    expect(() => assertCron('*/5 * * * * *')).not.toThrow();
    expect(() => assertCron('@daily')).not.toThrow();
    expect(() => assertCron('0 2 * *')).toThrow('cron: expected a cron expression such as "0 2 * * *" (minute hour day month weekday, optional leading seconds); got "0 2 * *" (it has 4 fields)');
    expect(() => assertCron('0 2 * * *', 'Nowhere/Land')).toThrow('timezone: expected an IANA time zone such as "UTC" or "Europe/Paris"; got "Nowhere/Land"');
  });

  it('builds schedule records with defaults applied once', () => {
    const record = createScheduleRecord({ pipelineFile: 'etl.yaml', cron: '0 2 * * *', timezone: 'UTC', now: new Date('2026-01-01T05:00:00Z') });
    expect(record).toMatchObject({ cron: '0 2 * * *', paused: false, overlap: 'skip', missed: 'skip', nextRunAt: '2026-01-02T02:00:00.000Z' });
    expect(record.id).toMatch(/^etl-[0-9a-f]{6}$/);
    expect(describeSchedule(record)).toBe('cron 0 2 * * * (UTC)');
    expect(describeSchedule({ intervalMs: 90_000 })).toBe('every 90s');
    expect(() => createScheduleRecord({ pipelineFile: 'x.yaml' })).toThrow('schedule: expected exactly one of a cron expression (--cron) or an interval (--every)');
    expect(() => createScheduleRecord({ pipelineFile: 'x.yaml', intervalMs: 1000, timezone: 'UTC' })).toThrow(/timezone: expected only with a cron expression/);
  });
});
