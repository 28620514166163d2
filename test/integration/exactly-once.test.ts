import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRunStore } from 'switchyard';
import type { RunStore } from 'switchyard';
import { startPostgres } from '../helpers/postgres.js';
import type { PostgresServer } from '../helpers/postgres.js';

/**
 * Exactly-once transitions with real processes sharing one store: of several `switchyard resume` (or `approve`)
 * started together exactly one continues the run and the others exit 2 naming the holder; several schedulers fire
 * each slot once; a scheduler stopped by two quick signals leaves its schedule pointing at a recorded run.
 */

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const CLI = join(root, 'test/helpers/cli.mjs');
const MODULE = join(root, 'test/fixtures/hub/lease-module.ts');
const HOLDER = /^error: run \S+ is held by process \d+ on \S+ \(\S+:\d+:[0-9a-f]+\) until \d{4}-\d\d-\d\dT[\d:.]+Z \(status \w+\); only one process can continue it$/;

interface Cli {
  readonly child: ChildProcess;
  stdout: string;
  stderr: string;
  readonly exited: Promise<number | null>;
}

function cli(args: readonly string[], env: Record<string, string | undefined>): Cli {
  const merged: NodeJS.ProcessEnv = { ...process.env, SWITCHYARD_MODULE_ROOTS: dirname(MODULE), ...env };
  for (const [key, value] of Object.entries(env)) if (value === undefined) delete merged[key];
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], { cwd: root, env: merged, stdio: ['ignore', 'pipe', 'pipe'] });
  const run: Cli = { child, stdout: '', stderr: '', exited: new Promise((r) => child.once('exit', (code) => r(code))) };
  child.stdout!.on('data', (chunk: Buffer) => (run.stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (run.stderr += chunk.toString()));
  return run;
}

async function until(check: () => boolean | Promise<boolean>, what: string, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const lines = (file: string): string[] => (existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').filter(Boolean) : []);

function pipeline(dir: string, name: string, stages: string): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, `name: ${name}\nmodules: [${JSON.stringify(MODULE)}]\nstages:\n${stages}`);
  return file;
}

interface Place {
  readonly env: Record<string, string | undefined>;
  open(): Promise<RunStore>;
}

function sqlitePlace(home: string): Place {
  return { env: { SWITCHYARD_HOME: home, SWITCHYARD_STORE_URL: undefined }, open: () => openRunStore(home) };
}

/** Kills a run mid-stage (SIGKILL, lease ttl 1.5 s) and waits until its lease has expired: an interrupted run. */
async function interruptedRun(place: Place, dir: string, log: string): Promise<string> {
  const file = pipeline(dir, 'race', '  - { id: a, type: mark, task: {} }\n  - { id: b, type: mark, task: { block: true } }\n  - { id: c, type: mark, task: { sleepMs: 2500 } }\n  - { id: d, type: mark, task: {} }\n');
  const first = cli(['run', file], { ...place.env, SWITCHYARD_TEST_LOG: log, SWITCHYARD_TEST_BLOCK: '1', SWITCHYARD_LEASE_TTL_MS: '1500', SWITCHYARD_LEASE_RENEW_MS: '300' });
  await until(() => lines(log).includes('b'), 'stage b to start');
  first.child.kill('SIGKILL');
  await first.exited;
  const store = await place.open();
  try {
    const [run] = await store.listRuns({ limit: 1 });
    expect(run).toMatchObject({ status: 'running', pid: first.child.pid });
    expect(run!.owner).toMatch(new RegExp(`:${first.child.pid}:`));
    await until(async () => (await store.getLease(run!.runId)) === undefined, 'the killed run’s lease to expire', 10_000);
    return run!.runId;
  } finally {
    await store.close();
  }
}

async function resumeRace(place: Place, dir: string, racers: number): Promise<void> {
  const log = join(dir, 'stages.log');
  const runId = await interruptedRun(place, dir, log);
  expect(lines(log)).toEqual(['a', 'b']);
  const all = Array.from({ length: racers }, () => cli(['resume', runId], { ...place.env, SWITCHYARD_TEST_LOG: log }));
  const codes = await Promise.all(all.map((r) => r.exited));
  const winners = all.filter((_r, i) => codes[i] === 0);
  const losers = all.filter((_r, i) => codes[i] !== 0);
  expect(winners, all.map((r) => r.stderr).join('\n')).toHaveLength(1);
  for (const [i, loser] of losers.entries()) {
    expect(codes[all.indexOf(loser)], `loser ${i}: ${loser.stderr}`).toBe(2);
    expect(loser.stderr.trimEnd().split('\n'), loser.stderr).toHaveLength(1);
    expect(loser.stderr.trimEnd()).toMatch(HOLDER);
    expect(loser.stderr).toContain(`run ${runId} is held by process ${winners[0]!.child.pid} on `);
  }
  // every stage after the kill ran once: b again (it never finished), then c and d
  expect(lines(log)).toEqual(['a', 'b', 'b', 'c', 'd']);
  const store = await place.open();
  try {
    expect((await store.getRun(runId))?.status).toBe('completed');
    expect(await store.getLease(runId)).toBeUndefined();
  } finally {
    await store.close();
  }
}

describe('exactly-once transitions across processes (SQLite)', () => {
  it('three `switchyard resume RUN_ID` started together: one runs the rest, the others exit 2 naming the holder', { timeout: 120_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sy-once-'));
    await resumeRace(sqlitePlace(join(dir, 'home')), dir, 3);
  });

  it('`runs list` shows a killed run as interrupted once its lease expired', { timeout: 120_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sy-once-'));
    const place = sqlitePlace(join(dir, 'home'));
    const runId = await interruptedRun(place, dir, join(dir, 'stages.log'));
    const list = cli(['runs', 'list', '--json'], place.env);
    expect(await list.exited).toBe(0);
    expect((JSON.parse(list.stdout) as { runId: string; status: string }[]).find((r) => r.runId === runId)?.status).toBe('interrupted');
  });

  it('two `switchyard approve RUN_ID` started together: one decision is recorded and resumes, the other exits 2 naming the holder', { timeout: 120_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sy-once-'));
    const place = sqlitePlace(join(dir, 'home'));
    const log = join(dir, 'stages.log');
    const file = pipeline(dir, 'gate', '  - { id: a, type: mark, task: {} }\n  - { id: gate, type: mark, task: { approval: true } }\n  - { id: after, type: mark, task: { sleepMs: 2500 } }\n');
    const first = cli(['run', file, '--json'], { ...place.env, SWITCHYARD_TEST_LOG: log });
    expect(await first.exited, first.stderr).toBe(0);
    const { runId, status } = JSON.parse(first.stdout) as { runId: string; status: string };
    expect(status).toBe('waiting');
    expect(lines(log)).toEqual(['a', 'gate']);

    const all = ['ana', 'bo'].map((by) => cli(['approve', runId, '--by', by], { ...place.env, SWITCHYARD_TEST_LOG: log }));
    const codes = await Promise.all(all.map((r) => r.exited));
    expect(codes.filter((c) => c === 0), all.map((r) => r.stderr).join('\n')).toHaveLength(1);
    const loser = all[codes.indexOf(2)]!;
    const winner = all[codes.indexOf(0)]!;
    expect(codes.sort()).toEqual([0, 2]);
    expect(loser.stderr.trimEnd().split('\n'), loser.stderr).toHaveLength(1);
    expect(loser.stderr.trimEnd()).toMatch(HOLDER);
    expect(loser.stderr).toContain(`is held by process ${winner.child.pid} on `);
    expect(lines(log)).toEqual(['a', 'gate', 'gate', 'after']);
    const store = await place.open();
    try {
      expect((await store.getRun(runId))?.status).toBe('completed');
      const approvals = await store.listApprovals(runId);
      expect(approvals).toHaveLength(1);
      expect(approvals[0]?.decision?.by).toBe(winner === all[0] ? 'ana' : 'bo');
    } finally {
      await store.close();
    }
  });

  it('two schedulers on one store, a one-second schedule for about 6 s: every slot fires once', { timeout: 120_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sy-once-'));
    const place = sqlitePlace(join(dir, 'home'));
    const log = join(dir, 'stages.log');
    const file = pipeline(dir, 'tick', '  - { id: tick, type: mark, task: {} }\n');
    const add = cli(['schedule', 'add', file, '--every', '1s', '--id', 'tick', '--overlap', 'allow'], place.env);
    expect(await add.exited, add.stderr).toBe(0);
    const schedulers = [0, 1].map(() => cli(['scheduler', '--json', '--reload', '500ms'], { ...place.env, SWITCHYARD_TEST_LOG: log }));
    await until(() => schedulers.every((s) => s.stdout.includes('"scheduler.started"')), 'both schedulers to start');
    await new Promise((r) => setTimeout(r, 6000));
    for (const s of schedulers) s.child.kill('SIGTERM');
    const codes = await Promise.all(schedulers.map((s) => s.exited));
    expect(codes, schedulers.map((s) => s.stderr).join('\n')).toEqual([0, 0]);
    const report = schedulers.map((s) => s.stdout).join('\n----\n');

    type Event = { type: string; runId?: string; slot?: string; reason?: string };
    const events = schedulers.map((s) => s.stdout.trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as Event));
    const fired = events.flat().filter((e) => e.type === 'schedule.fired');
    const slots = fired.map((e) => e.slot);
    expect(slots.every((slot) => typeof slot === 'string')).toBe(true);
    expect(fired.length, report).toBeGreaterThanOrEqual(4);
    // each slot once, across both schedulers; both took part (each lost a claim or fired)
    expect(new Set(slots).size).toBe(slots.length);
    for (const own of events) expect(own.filter((e) => e.type === 'schedule.fired' || (e.type === 'schedule.skipped' && e.reason === 'claimed')).length).toBeGreaterThanOrEqual(3);
    const store = await place.open();
    try {
      const runs = (await store.listRuns({ limit: 1000 })).filter((r) => r.pipelineName === 'tick');
      expect(runs.map((r) => r.runId).sort()).toEqual(fired.map((e) => e.runId).sort());
      expect(lines(log)).toHaveLength(runs.length);
    } finally {
      await store.close();
    }
  });

  it('a scheduler stopped by two signals a few ms apart exits 0 and its schedule points at a recorded run', { timeout: 120_000 }, async () => {
    for (const delayMs of [0, 400]) {
      const dir = mkdtempSync(join(tmpdir(), 'sy-once-'));
      const place = sqlitePlace(join(dir, 'home'));
      const file = pipeline(dir, 'slow', '  - { id: slow, type: mark, task: { sleepMs: 20000 } }\n');
      const add = cli(['schedule', 'add', file, '--every', '1s', '--id', 'slow'], place.env);
      expect(await add.exited, add.stderr).toBe(0);
      // (two signals a few ms apart may reach a busy process as one: the grace period is short either way)
      const scheduler = cli(['scheduler', '--json', '--grace', '2s'], place.env);
      await until(() => scheduler.stdout.includes('"schedule.fired"'), 'a firing');
      await new Promise((r) => setTimeout(r, delayMs));
      scheduler.child.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 5));
      scheduler.child.kill('SIGTERM');
      expect(await scheduler.exited, scheduler.stderr).toBe(0);
      const store = await place.open();
      try {
        const schedule = await store.getSchedule('slow');
        if (delayMs > 0) expect(schedule?.lastRunId).toBeDefined();
        if (schedule?.lastRunId !== undefined) {
          const run = await store.getRun(schedule.lastRunId);
          expect(run, `delay ${delayMs}: ${schedule.lastRunId}`).toBeDefined();
          expect(run!.status, `delay ${delayMs}:\n${scheduler.stdout}`).toMatch(/^(interrupted|cancelled)$/);
          expect(await store.getLease(run!.runId)).toBeUndefined();
        }
      } finally {
        await store.close();
      }
    }
  });
});

describe('exactly-once transitions across processes (PostgreSQL)', () => {
  let server: PostgresServer | undefined;
  beforeAll(async () => {
    server = await startPostgres({ database: 'switchyard_once' });
  }, 660_000);
  afterAll(async () => {
    await server?.stop();
  });

  it('three `switchyard resume RUN_ID` on one PostgreSQL store: one runs the rest, the others exit 2 naming the holder', { timeout: 120_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sy-once-pg-'));
    const url = server!.url;
    const place: Place = { env: { SWITCHYARD_HOME: join(dir, 'home'), SWITCHYARD_STORE_URL: url }, open: () => openRunStore({ url }) };
    await resumeRace(place, dir, 3);
  });
});
