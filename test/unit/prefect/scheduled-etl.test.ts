import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { HybridOrchestrator, MemoryRunStore, Resources } from 'switchyard';
import type { ScheduledEtlResult } from 'switchyard/prefect';

const execFileAsync = promisify(execFile);

const pipelineYaml = (extra = '') => `name: nightly
stages:
  - id: etl
    type: prefect
    task:
      type: scheduled_etl
      schedule: "0 2 * * *"
      timezone: America/New_York
      sources:
        - orders.csv
        - customers.json
        - name: inline
          records: [{ "id": 9 }]
${extra}`;

async function fixture(extra?: string) {
  const dir = await mkdtemp(join(tmpdir(), 'sy-etl-'));
  await writeFile(join(dir, 'orders.csv'), 'id,total\n1,10\n2,20\n3,30\n');
  await writeFile(join(dir, 'customers.json'), JSON.stringify([{ id: 'a' }, { id: 'b' }]));
  await writeFile(join(dir, 'pipeline.yaml'), pipelineYaml(extra));
  return { dir, file: join(dir, 'pipeline.yaml'), home: join(dir, 'home') };
}

describe('scheduled_etl stage', () => {
  it('runs the ETL nodes now with the built-in extract/transform/load/verify', async () => {
    const { file, home } = await fixture();
    const store = new MemoryRunStore();
    const hub = new HybridOrchestrator({ home, store });
    const result = await hub.run(file);
    expect(result.status).toBe('completed');
    const output = result.output as ScheduledEtlResult;
    expect(output.completed).toEqual(['extract', 'transform', 'load', 'verify']);
    expect(output.result).toEqual({ ok: true, records: 6 });
    expect(output.outputs.extract).toEqual({ orders: [{ id: 1, total: 10 }, { id: 2, total: 20 }, { id: 3, total: 30 }], customers: [{ id: 'a' }, { id: 'b' }], inline: [{ id: 9 }] });
    const loaded = JSON.parse(await readFile((output.outputs.load as { file: string }).file, 'utf8')) as { runId: string };
    expect(loaded.runId).toBe(result.runId);
    // The stage asks the hub, which registers the schedule in the store it was given (here the memory store).
    expect(output.schedule).toMatchObject({ cron: '0 2 * * *', timezone: 'America/New_York', registered: true, id: 'nightly.etl' });
    expect(await store.getSchedule('nightly.etl')).toMatchObject({ pipelineFile: file, cron: '0 2 * * *', timezone: 'America/New_York' });
  });

  it('does not register a code pipeline (no file to run again), and says why', async () => {
    const { dir, home } = await fixture();
    const store = new MemoryRunStore();
    const hub = new HybridOrchestrator({ home, store });
    const task = { type: 'scheduled_etl', schedule: '0 2 * * *', sources: [join(dir, 'orders.csv')] };
    const result = await hub.run({ name: 'code', stages: [{ id: 'etl', type: 'prefect', task }] });
    expect(result.status).toBe('completed');
    expect((result.output as ScheduledEtlResult).schedule).toMatchObject({ registered: false, reason: 'the pipeline did not come from a file' });
    expect(await store.listSchedules()).toEqual([]);
    const events = await store.listEvents(result.runId);
    expect(events.some((e) => e.type === 'stage.engine' && e.event.kind === 'schedule.not_registered')).toBe(true);
  });

  it('registers the schedule in the run store when the run came from a file', async () => {
    const { file, home } = await fixture();
    const { openRunStore } = await import('switchyard');
    const store = await openRunStore(home);
    try {
      const hub = new HybridOrchestrator({ home, store });
      const first = await hub.run(file);
      expect(first.status).toBe('completed');
      expect((first.output as ScheduledEtlResult).schedule).toMatchObject({ registered: true, id: 'nightly.etl' });
      const saved = await store.getSchedule('nightly.etl');
      expect(saved).toMatchObject({ pipelineFile: file, cron: '0 2 * * *', timezone: 'America/New_York', paused: false, overlap: 'skip' });
      // Idempotent: a second run keeps the record (and a pause made in between).
      await store.saveSchedule({ ...saved!, paused: true });
      await hub.run(file);
      expect((await store.listSchedules()).map((s) => [s.id, s.paused])).toEqual([['nightly.etl', true]]);
    } finally {
      await store.close();
    }
  });

  it('uses registered handlers for ETL node names before the built-ins', async () => {
    const { file, home } = await fixture();
    const resources = new Resources();
    resources.set('handler', 'transform', (input: { deps: { extract: Record<string, unknown[]> } }) => ({ rows: Object.values(input.deps.extract).flat().length }));
    resources.set('handler', 'load', (input: { deps: { transform: { rows: number } } }) => input.deps.transform);
    resources.set('handler', 'verify', (input: { deps: { load: { rows: number } } }) => input.deps.load.rows === 6);
    const hub = new HybridOrchestrator({ home, store: new MemoryRunStore(), resources });
    const result = await hub.run(file);
    expect(result.status).toBe('completed');
    expect((result.output as ScheduledEtlResult).result).toBe(true);
  });

  it('fails the stage with partial results when a source is missing', async () => {
    const { dir, home } = await fixture();
    await writeFile(join(dir, 'bad.yaml'), pipelineYaml().replace('orders.csv', 'missing.csv'));
    const hub = new HybridOrchestrator({ home, store: new MemoryRunStore() });
    const result = await hub.run(join(dir, 'bad.yaml'));
    expect(result.status).toBe('failed');
    expect(result.error?.message ?? result.stages[0]?.error?.message).toMatch(/node "extract" failed: sources\[0\]: expected a readable file/);
  });

  it('casts CSV numbers and booleans only when they read back as written; csvValues: strings keeps the text', async () => {
    const { dir, home } = await fixture();
    await writeFile(join(dir, 'orders.csv'), 'sku,qty,price,code,sci,paid,note\na,3,-1.5,007,1e3,TRUE,\nb,10,3.50,12,2,false,x\n');
    const hub = new HybridOrchestrator({ home, store: new MemoryRunStore() });
    const typed = await hub.run(join(dir, 'pipeline.yaml'));
    expect((typed.output as ScheduledEtlResult).outputs.extract).toMatchObject({
      orders: [
        { sku: 'a', qty: 3, price: -1.5, code: '007', sci: '1e3', paid: true, note: '' },
        { sku: 'b', qty: 10, price: '3.50', code: 12, sci: 2, paid: false, note: 'x' },
      ],
    });
    await writeFile(join(dir, 'strings.yaml'), pipelineYaml().replace('timezone: America/New_York', 'timezone: America/New_York\n      csvValues: strings'));
    const strings = await hub.run(join(dir, 'strings.yaml'));
    expect((strings.output as ScheduledEtlResult).outputs.extract).toMatchObject({ orders: [{ qty: '3', paid: 'TRUE' }, { qty: '10', price: '3.50' }] });
    await hub.close();
  });
});

describe('examples/scheduled-etl', () => {
  it('runs the example pipeline: ETL from CSV and JSON, then a report DAG over its output', async () => {
    const home = await mkdtemp(join(tmpdir(), 'sy-etl-example-'));
    const file = new URL('../../../examples/scheduled-etl/pipeline.yaml', import.meta.url).pathname;
    const hub = new HybridOrchestrator({ home, store: new MemoryRunStore() });
    const result = await hub.run(file);
    expect(result.status).toBe('completed');
    expect((result.output as { result: unknown }).result).toMatchObject({ revenue: 560, text: 'revenue 560; best customer Edsger' });
  });
});

describe('schedules go to the hub’s store', () => {
  it('a hub with a MemoryRunStore running examples/scheduled-etl registers the schedule there and never loads better-sqlite3', async () => {
    const home = await mkdtemp(join(tmpdir(), 'sy-etl-memory-'));
    const file = fileURLToPath(new URL('../../../examples/scheduled-etl/pipeline.yaml', import.meta.url));
    const child = fileURLToPath(new URL('../../fixtures/prefect/etl-memory-store.ts', import.meta.url));
    const { stdout } = await execFileAsync(process.execPath, ['--import', 'tsx', child, home, file], { env: { ...process.env, SWITCHYARD_HOME: home } });
    const report = JSON.parse(stdout.trim().split('\n').at(-1)!) as {
      status: string;
      schedule: { schedule: unknown };
      schedules: { id: string; pipelineFile: string; cron: string; timezone: string; missed: string }[];
      sqliteLoaded: boolean;
      sqliteLoadedAfterImport: boolean;
    };
    expect(report.status).toBe('completed');
    expect(report.schedule.schedule).toMatchObject({ registered: true, id: 'nightly-sales.etl' });
    expect(report.schedules).toEqual([expect.objectContaining({ id: 'nightly-sales.etl', pipelineFile: file, cron: '0 2 * * *', timezone: 'Europe/Paris', missed: 'run-once' })]);
    expect(report.sqliteLoaded).toBe(false);
    expect(report.sqliteLoadedAfterImport).toBe(true);
    expect(existsSync(join(home, 'switchyard.sqlite'))).toBe(false);
  });
});
