import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/run-cli.js';

const etl = resolve(import.meta.dirname, '../../../examples/scheduled-etl/pipeline.yaml');
const tmp = mkdtempSync(join(tmpdir(), 'switchyard-schedule-cli-'));
let home: string;
let n = 0;
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
beforeEach(() => {
  home = join(tmp, `home-${n++}`);
  process.env.SWITCHYARD_HOME = home;
});

const written = () => (existsSync(home) ? readdirSync(home) : []);

async function expectRejected(args: string[], line: string | RegExp): Promise<void> {
  const result = await runCli(...args);
  expect(result.code, result.stderr).toBe(2);
  expect(result.stdout).toBe('');
  expect(result.stderr).toMatch(/^error: [^\n]+\n$/);
  if (typeof line === 'string') expect(result.stderr).toBe(`${line}\n`);
  else expect(result.stderr).toMatch(line);
  expect(written(), 'rejected input wrote files').toEqual([]);
}

describe('switchyard schedule: rejected input names the flag and writes nothing', () => {
  it('--id names the flag, not the record field', async () => {
    await expectRejected(['schedule', 'add', etl, '--every', '5m', '--id', 'bad id'], 'error: --id: expected letters, digits, _ . : - (at most 100); got "bad id"');
  });

  it('--tz with --every is named as --tz', async () => {
    await expectRejected(['schedule', 'add', etl, '--every', '5m', '--tz', 'Europe/Paris'], /^error: --tz: expected only with --cron/);
  });

  it('malformed --input JSON', async () => {
    await expectRejected(['schedule', 'add', etl, '--every', '5m', '--input', '{bad'], /^error: --input: expected JSON \(.+\); got "\{bad"\n$/);
  });

  it('bad cron, bad time zone, bad duration, bad policy, missing file', async () => {
    await expectRejected(['schedule', 'add', etl, '--cron', '61 * * * *'], /^error: --cron: expected a cron expression/);
    await expectRejected(['schedule', 'add', etl, '--cron', '0 2 * * *', '--tz', 'Mars/Base'], 'error: --tz: expected an IANA time zone such as "UTC" or "Europe/Paris"; got "Mars/Base"');
    await expectRejected(['schedule', 'add', etl, '--every', '5x'], /^error: --every: expected a duration/);
    await expectRejected(['schedule', 'add', etl, '--every', '5m', '--overlap', 'maybe'], 'error: --overlap: expected "skip" or "allow"; got "maybe"');
    await expectRejected(['schedule', 'add', join(tmp, 'missing.yaml'), '--every', '5m'], /missing\.yaml: expected a readable pipeline file/);
    await expectRejected(['scheduler', '--grace', '5x'], /^error: --grace: expected a duration/);
  });

  it('list, pause, resume and rm on a fresh home create no store', async () => {
    expect(await runCli('schedule', 'list', '--json')).toMatchObject({ code: 0, stdout: '[]\n' });
    expect(written()).toEqual([]);
    for (const action of ['pause', 'resume', 'rm']) {
      await expectRejected(['schedule', action, 'nope'], 'error: schedule "nope": no such schedule (known: none)');
    }
  });
});

describe('switchyard schedule --json round trip', () => {
  it('add, list, pause, resume, rm each print one JSON value', async () => {
    const added = await runCli('schedule', 'add', etl, '--every', '1h', '--id', 'qa-etl', '--input', '{"day":"2026-11-21"}', '--json');
    expect(added.code, added.stderr).toBe(0);
    expect(JSON.parse(added.stdout)).toMatchObject({ id: 'qa-etl', intervalMs: 3_600_000, input: { day: '2026-11-21' } });
    expect(JSON.parse((await runCli('schedule', 'list', '--json')).stdout).map((s: { id: string }) => s.id)).toEqual(['qa-etl']);
    expect(JSON.parse((await runCli('schedule', 'pause', 'qa-etl', '--json')).stdout)).toMatchObject({ paused: true });
    expect(JSON.parse((await runCli('schedule', 'resume', 'qa-etl', '--json')).stdout)).toMatchObject({ paused: false });
    const duplicate = await runCli('schedule', 'add', etl, '--every', '1h', '--id', 'qa-etl');
    expect(duplicate).toMatchObject({ code: 2, stdout: '' });
    expect(duplicate.stderr).toMatch(/^error: schedule qa-etl already exists/);
    expect(JSON.parse((await runCli('schedule', 'rm', 'qa-etl', '--json')).stdout)).toEqual({ id: 'qa-etl', removed: true });
    expect(await runCli('schedule', 'rm', 'qa-etl')).toMatchObject({ code: 2, stdout: '', stderr: 'error: schedule "qa-etl": no such schedule (known: none)\n' });
  });
});

describe('a bad time zone next to a cron expression is named where it is', () => {
  it('assertCron names the sibling timezone path', async () => {
    const { assertCron } = await import('../../../src/schedule/timing.js');
    expect(() => assertCron('0 2 * * *', 'Mars/Base', 'stages[0].task.schedule')).toThrow(/^stages\[0\]\.task\.timezone: expected an IANA time zone/);
    expect(() => assertCron('0 2 * * *', 'Mars/Base', '--cron')).toThrow(/^--tz: expected an IANA time zone/);
    expect(() => assertCron('0 2 * * *', 'Mars/Base')).toThrow(/^timezone: expected an IANA time zone/);
  });

  it('switchyard validate on a scheduled_etl stage with a bad timezone', async () => {
    const { writeFileSync } = await import('node:fs');
    const file = join(tmp, 'bad-tz.yaml');
    writeFileSync(file, 'name: t\nstages:\n  - type: prefect\n    task:\n      type: scheduled_etl\n      schedule: "0 2 * * *"\n      timezone: Mars/Base\n');
    const { code, stdout, stderr } = await runCli('validate', file);
    expect([code, stdout]).toEqual([2, '']);
    expect(stderr).toMatch(/: stages\[0\]\.task\.timezone: expected an IANA time zone such as "UTC" or "Europe\/Paris"; got "Mars\/Base"\n$/);
    expect(written()).toEqual([]);
  });
});
