import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRunStore } from 'switchyard';
import type { LeaseAcquisition, OpenRunStoreOptions } from 'switchyard';
import { runRecord } from 'switchyard/adapter-kit/testing';
import { schemaOneHome } from '../helpers/sqlite-schema-1.js';
import { startPostgres } from '../helpers/postgres.js';
import type { PostgresServer } from '../helpers/postgres.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const script = join(root, 'test/helpers/store-race.ts');
const RACERS = 8;

interface LeaseReport {
  readonly owner: string;
  readonly pid: number;
  readonly outcome: LeaseAcquisition;
}
interface SlotReport {
  readonly owner: string;
  readonly pid: number;
  readonly won: string[];
}

/**
 * Starts `count` racer processes, waits until every one has opened the store and printed `ready`, then tells them
 * all to go at once and collects the JSON line each prints.
 */
async function race<T>(count: number, argsFor: (index: number) => Record<string, unknown>): Promise<T[]> {
  const env = { ...process.env };
  delete env.SWITCHYARD_STORE_URL;
  const children = Array.from({ length: count }, (_, index) => spawn(process.execPath, ['--import', 'tsx', script, JSON.stringify(argsFor(index))], { cwd: root, env, stdio: ['pipe', 'pipe', 'pipe'] }));
  const outputs = children.map(() => ({ stdout: '', stderr: '' }));
  let readyCount = 0;
  let allReady!: () => void;
  const ready = new Promise<void>((resolveReady) => (allReady = resolveReady));
  const exits = children.map(
    (child, index) =>
      new Promise<void>((resolveExit, rejectExit) => {
        let announced = false;
        child.stdout.on('data', (chunk: Buffer) => {
          outputs[index]!.stdout += chunk.toString();
          if (!announced && outputs[index]!.stdout.includes('ready\n')) {
            announced = true;
            if (++readyCount === count) allReady();
          }
        });
        child.stderr.on('data', (chunk: Buffer) => (outputs[index]!.stderr += chunk.toString()));
        child.once('error', rejectExit);
        child.once('exit', (code) => (code === 0 ? resolveExit() : rejectExit(new Error(`racer ${index} exited with ${code}: ${outputs[index]!.stderr.slice(-2000)}`))));
      }),
  );
  const failed = Promise.all(exits).then(() => undefined);
  try {
    // a racer that dies before it is ready fails the race at once
    await Promise.race([ready, failed.then(() => Promise.reject(new Error('every racer exited before all were ready')))]);
    for (const child of children) child.stdin.write('go\n');
    await Promise.all(exits);
  } finally {
    for (const child of children) if (child.exitCode === null) child.kill();
  }
  return outputs.map((output) => JSON.parse(output.stdout.slice(output.stdout.indexOf('ready\n') + 'ready\n'.length).trim()) as T);
}

const slots = Array.from({ length: 24 }, (_, i) => new Date(Date.UTC(2026, 0, 1, i)).toISOString());
/** Each racer claims the slots in its own order, so they collide on different slots. */
const shuffled = (index: number) => slots.map((slot, i) => ({ slot, key: (i * 7 + index * 13) % slots.length })).sort((a, b) => a.key - b.key).map((s) => s.slot);

function expectOneLeaseWinner(reports: LeaseReport[]): void {
  const winners = reports.filter((r) => r.outcome.acquired);
  expect(winners, JSON.stringify(reports)).toHaveLength(1);
  const winner = winners[0]!;
  expect(winner.owner.startsWith(`${hostname()}:${winner.pid}:`)).toBe(true);
  for (const loser of reports.filter((r) => !r.outcome.acquired)) {
    expect(loser.outcome).toMatchObject({ acquired: false, reason: 'held', holder: winner.owner });
  }
}

function expectEverySlotOnce(reports: SlotReport[]): void {
  const claimed = reports.flatMap((r) => r.won);
  expect([...claimed].sort()).toEqual([...slots].sort());
  expect(new Set(claimed).size).toBe(slots.length);
}

async function prepareRun(options: OpenRunStoreOptions, runId: string): Promise<void> {
  const store = await openRunStore(options);
  try {
    await store.createRun(runRecord(runId));
  } finally {
    await store.close();
  }
}

describe('racing processes on the SQLite file', () => {
  const homes: string[] = [];
  afterAll(() => {
    for (const home of homes) rmSync(home, { recursive: true, force: true });
  });
  const home = () => {
    const dir = mkdtempSync(join(tmpdir(), 'sy-race-'));
    homes.push(dir);
    return dir;
  };

  it(`${RACERS} processes acquire one run's lease: exactly one wins`, async () => {
    const dir = home();
    await prepareRun({ home: dir }, 'r1');
    const reports = await race<LeaseReport>(RACERS, () => ({ mode: 'lease', home: dir, runId: 'r1' }));
    expectOneLeaseWinner(reports);
    const store = await openRunStore(dir);
    try {
      expect((await store.getLease('r1'))?.owner).toBe(reports.find((r) => r.outcome.acquired)!.owner);
    } finally {
      await store.close();
    }
  }, 120_000);

  it(`${RACERS} schedulers claim the same slots: each slot fires once`, async () => {
    const dir = home();
    // the file exists before the race, as a scheduler's store does
    await (await openRunStore(dir)).close();
    const reports = await race<SlotReport>(RACERS, (index) => ({ mode: 'slots', home: dir, scheduleId: 'hourly', slots: shuffled(index) }));
    expectEverySlotOnce(reports);
  }, 120_000);

  it(`${RACERS} processes open a file written at schema 1 at once: it is migrated once, and the lease still has one winner`, async () => {
    const dir = schemaOneHome();
    homes.push(dir);
    const reports = await race<LeaseReport>(RACERS, () => ({ mode: 'lease', home: dir, runId: 'old-run' }));
    expectOneLeaseWinner(reports);
    const store = await openRunStore(dir);
    try {
      expect(await store.getRun('old-run')).toEqual(runRecord('old-run'));
    } finally {
      await store.close();
    }
  }, 120_000);
});

describe('racing processes on PostgreSQL', () => {
  let server: PostgresServer;
  beforeAll(async () => {
    server = await startPostgres({ database: 'switchyard_races' });
  }, 600_000);
  afterAll(async () => {
    await server?.stop();
  }, 60_000);

  it(`${RACERS} processes migrate a fresh database and acquire one run's lease: exactly one wins`, async () => {
    const url = await server.createDatabase('race_lease');
    // a fresh database: every racer runs the migrations at once, then the run is created and the lease raced
    await race<unknown>(RACERS, () => ({ mode: 'slots', url, scheduleId: 'warmup', slots: [] }));
    await prepareRun({ url }, 'r1');
    const reports = await race<LeaseReport>(RACERS, () => ({ mode: 'lease', url, runId: 'r1' }));
    expectOneLeaseWinner(reports);
  }, 120_000);

  it(`${RACERS} schedulers claim the same slots: each slot fires once`, async () => {
    const url = await server.createDatabase('race_slots');
    const reports = await race<SlotReport>(RACERS, (index) => ({ mode: 'slots', url, scheduleId: 'hourly', slots: shuffled(index) }));
    expectEverySlotOnce(reports);
  }, 120_000);
});
