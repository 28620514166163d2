import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import pg from 'pg';
import { z } from 'zod';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HybridOrchestrator, defineAdapter, openExistingRunStore, openRunStore, waitForApproval } from 'switchyard';
import type { PostgresRunStore } from 'switchyard';
import { describeStoreConformance } from 'switchyard/adapter-kit/conformance';
import { runRecord } from 'switchyard/adapter-kit/testing';
import { startPostgres } from '../helpers/postgres.js';
import type { PostgresServer } from '../helpers/postgres.js';

let server: PostgresServer;
let work: string;

beforeAll(async () => {
  server = await startPostgres({ database: 'switchyard_store' });
  work = mkdtempSync(join(tmpdir(), 'sy-store-pg-'));
}, 600_000);

afterAll(async () => {
  await server?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
}, 60_000);

let schemas = 0;
/** Every store of the suite gets a schema of its own in the one database: fresh and empty. */
const freshSchema = () => `conformance_${++schemas}_${process.pid}`;
const schemaOf = new WeakMap<object, string>();

describeStoreConformance('postgres', {
  open: async () => {
    const schema = freshSchema();
    const store = await openRunStore({ url: server.url, schema });
    schemaOf.set(store, schema);
    return store;
  },
  reopen: async (store) => openRunStore({ url: server.url, schema: schemaOf.get(store)! }),
});

async function sql<R extends pg.QueryResultRow>(url: string, text: string, values: unknown[] = []): Promise<R[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<R>(text, values)).rows;
  } finally {
    await client.end();
  }
}

describe('the PostgreSQL run store: migrations', () => {
  it('records its schema version once in schema_migrations, however often and however concurrently it is opened', async () => {
    const url = await server.createDatabase('migrations_concurrent');
    const stores = await Promise.all(Array.from({ length: 6 }, () => openRunStore({ url })));
    await Promise.all(stores.map((s) => s.close()));
    const again = await openRunStore({ url });
    await again.createRun(runRecord('r1'));
    await again.close();
    const rows = await sql<{ version: number; name: string }>(url, 'SELECT version, name FROM schema_migrations ORDER BY version');
    expect(rows.map((r) => r.version)).toEqual([1, 2]);
    const tables = await sql<{ table_name: string }>(url, "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name");
    expect(tables.map((t) => t.table_name)).toEqual(['approvals', 'events', 'history', 'runs', 'schedule_slots', 'schedules', 'schema_migrations', 'stages', 'step_results']);
  });

  it('brings a database at schema 1 up to date: the step results table, its runs kept', async () => {
    const url = await server.createDatabase('migrations_from_1');
    const store = await openRunStore({ url });
    await store.createRun(runRecord('r1'));
    await store.close();
    // as the first released switchyard left it
    await sql(url, 'DROP TABLE step_results');
    await sql(url, 'DELETE FROM schema_migrations WHERE version > 1');
    const again = await openRunStore({ url });
    try {
      expect(await again.getRun('r1')).toEqual(runRecord('r1'));
      await again.saveStepResult('r1', 'a', 'node:x', { output: 1 });
      expect((await again.listStepResults('r1', 'a')).map((r) => r.value)).toEqual([{ output: 1 }]);
    } finally {
      await again.close();
    }
    expect((await sql<{ version: number }>(url, 'SELECT version FROM schema_migrations ORDER BY version')).map((r) => r.version)).toEqual([1, 2]);
  });

  it('keeps a schema apart: its own tables and migrations, the public schema untouched', async () => {
    const url = await server.createDatabase('migrations_schema');
    const store = await openRunStore({ url, schema: 'tenant_a' });
    await store.createRun(runRecord('r1'));
    expect((store as PostgresRunStore).schema).toBe('tenant_a');
    await store.close();
    expect(await sql(url, "SELECT 1 FROM information_schema.tables WHERE table_schema = 'public'")).toEqual([]);
    expect(await sql<{ n: string }>(url, 'SELECT count(*) AS n FROM tenant_a.runs')).toEqual([{ n: '1' }]);
    const other = await openRunStore({ url, schema: 'tenant_b' });
    expect(await other.getRun('r1')).toBeUndefined();
    await other.close();
    await expect(openRunStore({ url, schema: 'Robert"; DROP TABLE runs' })).rejects.toMatchObject({ code: 'INVALID_INPUT', path: 'schema' });
  });

  it('refuses a database migrated by a newer switchyard', async () => {
    const url = await server.createDatabase('migrations_newer');
    await (await openRunStore({ url })).close();
    await sql(url, "INSERT INTO schema_migrations (version, name) VALUES (99, 'from the future')");
    await expect(openRunStore({ url })).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('schema 99') });
  });
});

describe('the PostgreSQL run store: selection and errors', () => {
  const saved = process.env.SWITCHYARD_STORE_URL;
  afterEach(() => {
    if (saved === undefined) delete process.env.SWITCHYARD_STORE_URL;
    else process.env.SWITCHYARD_STORE_URL = saved;
  });

  it('SWITCHYARD_STORE_URL selects PostgreSQL for every caller of openRunStore: no file is written under the home', async () => {
    const url = await server.createDatabase('selected_by_env');
    process.env.SWITCHYARD_STORE_URL = url;
    const home = mkdtempSync(join(work, 'home-'));
    const store = await openRunStore(home);
    await store.createRun(runRecord('from-env'));
    await store.close();
    const existing = await openExistingRunStore(join(work, 'never-created'));
    expect(await existing?.getRun('from-env')).toMatchObject({ runId: 'from-env' });
    await existing?.close();
    expect(readdirSync(home)).toEqual([]);
    expect(existsSync(join(work, 'never-created'))).toBe(false);
    expect(await sql(url, 'SELECT run_id FROM runs')).toEqual([{ run_id: 'from-env' }]);
  });

  it('a hub on one "machine" waits for approval and a hub on another approves it, through the shared store', async () => {
    process.env.SWITCHYARD_STORE_URL = await server.createDatabase('shared_hubs');
    const gate = defineAdapter({
      type: 'gate',
      taskSchema: z.object({}),
      async execute(_task, ctx) {
        if (!ctx.approval) return waitForApproval({ point: 'ship', message: 'ship it?' });
        return { approved: ctx.approval.approved, pid: process.pid };
      },
    });
    const pipeline = { name: 'shared', stages: [{ id: 'ship', type: 'gate', task: {} }] };
    const first = new HybridOrchestrator({ home: mkdtempSync(join(work, 'a-')), builtins: false, adapters: { gate } });
    const waiting = await first.run(pipeline);
    await first.close();
    expect(waiting.status).toBe('waiting');
    const secondHome = mkdtempSync(join(work, 'b-'));
    const second = new HybridOrchestrator({ home: secondHome, builtins: false, adapters: { gate } });
    const done = await second.approve(waiting.runId, { pipeline, by: 'ops' });
    await second.close();
    expect(done.status).toBe('completed');
    expect(readdirSync(secondHome)).toEqual([]);
  });

  it('never prints the password of the URL', async () => {
    const url = `postgres://postgres:hunter2secret@127.0.0.1:${server.port}/no_such_database`;
    const error = await openRunStore({ url }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'REMOTE_ERROR', message: expect.stringContaining(`postgres://postgres:***@127.0.0.1:${server.port}/no_such_database`) });
    expect(inspect(error, { depth: 10 })).not.toContain('hunter2secret');
    expect(JSON.stringify(error)).not.toContain('hunter2secret');

    const unreachable = await openRunStore({ url: 'postgres://app:hunter2secret@127.0.0.1:1/db' }).catch((e: unknown) => e);
    expect(unreachable).toMatchObject({ code: 'REMOTE_ERROR', message: expect.stringContaining('postgres://app:***@127.0.0.1:1/db') });
    expect(inspect(unreachable, { depth: 10 })).not.toContain('hunter2secret');

    process.env.SWITCHYARD_STORE_URL = 'mysql://app:hunter2secret@db/runs';
    const wrongKind = await openRunStore().catch((e: unknown) => e);
    expect(wrongKind).toMatchObject({ code: 'INVALID_INPUT', path: 'SWITCHYARD_STORE_URL' });
    expect(inspect(wrongKind, { depth: 10 })).not.toContain('hunter2secret');

    const store = await openRunStore({ url: server.url.replace('postgres@', 'postgres:hunter2secret@') });
    expect((store as PostgresRunStore).url).not.toContain('hunter2secret');
    expect(inspect(store, { depth: 10 })).not.toContain('hunter2secret');
    await store.close();
  });
});
