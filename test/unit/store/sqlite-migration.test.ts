import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openRunStore } from 'switchyard';
import { runRecord } from 'switchyard/adapter-kit/testing';
import { schemaOneHome } from '../../helpers/sqlite-schema-1.js';

const inspect = (home: string) => {
  const db = new Database(join(home, 'switchyard.sqlite'), { readonly: true });
  try {
    return {
      version: (db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get() as { value: string }).value,
      runColumns: (db.prepare('PRAGMA table_info(runs)').all() as { name: string }[]).map((c) => c.name),
      tables: (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((t) => t.name),
    };
  } finally {
    db.close();
  }
};

describe('the SQLite store schema: migrations', () => {
  it('brings a schema-1 file up to date on open, keeping its runs; leases and slots then work', async () => {
    const home = schemaOneHome();
    const store = await openRunStore(home);
    try {
      expect(await store.getRun('old-run')).toEqual(runRecord('old-run'));
      expect(await store.acquireLease('old-run', { owner: 'me', ttlMs: 60_000 })).toMatchObject({ acquired: true, lease: { owner: 'me', token: 1 } });
      expect(await store.claimScheduleSlot('nightly', '2026-01-01T02:00:00.000Z', 'me')).toBe(true);
    } finally {
      await store.close();
    }
    const after = inspect(home);
    expect(after.version).toBe('2');
    expect(after.runColumns).toEqual(['run_id', 'pipeline_name', 'status', 'created_at', 'updated_at', 'body', 'lease_owner', 'lease_expires_at', 'lease_token']);
    expect(after.tables).toContain('schedule_slots');
  });

  it('a file written before step results gets their table on open (a new table: no version step), and they work', async () => {
    const home = schemaOneHome();
    const store = await openRunStore(home);
    try {
      await store.saveStepResult('old-run', 'a', 'node:x', { output: 1 });
      expect((await store.listStepResults('old-run', 'a')).map((r) => r.value)).toEqual([{ output: 1 }]);
    } finally {
      await store.close();
    }
    expect(inspect(home).tables).toContain('step_results');
  });

  it('opening a migrated file again changes nothing', async () => {
    const home = schemaOneHome();
    await (await openRunStore(home)).close();
    const once = inspect(home);
    const store = await openRunStore(home);
    expect((await store.getLease('old-run'))).toBeUndefined();
    await store.close();
    expect(inspect(home)).toEqual(once);
  });

  it('a fresh file starts at the current schema, with the lease columns', async () => {
    const home = mkdtempSync(join(tmpdir(), 'sy-schema-fresh-'));
    await (await openRunStore(home)).close();
    const fresh = inspect(home);
    expect(fresh.version).toBe('2');
    expect(fresh.runColumns).toContain('lease_token');
  });
});
