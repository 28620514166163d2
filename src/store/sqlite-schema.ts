/** Tables of the embedded run store. JSON columns hold the records' structured fields. */
export const SCHEMA_VERSION = 2;

export const SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
  run_id TEXT PRIMARY KEY,
  pipeline_name TEXT NOT NULL,
  status TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  body TEXT NOT NULL,
  lease_owner TEXT,
  lease_expires_at INTEGER,
  lease_token INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS runs_by_created ON runs (created_at DESC);
CREATE INDEX IF NOT EXISTS runs_by_status ON runs (status, created_at DESC);
CREATE TABLE IF NOT EXISTS stages (
  run_id TEXT NOT NULL,
  stage_id TEXT NOT NULL,
  ord INTEGER NOT NULL,
  body TEXT NOT NULL,
  PRIMARY KEY (run_id, stage_id)
);
CREATE TABLE IF NOT EXISTS history (
  run_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  body TEXT NOT NULL,
  PRIMARY KEY (run_id, seq)
);
CREATE TABLE IF NOT EXISTS events (
  run_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  type TEXT NOT NULL,
  body TEXT NOT NULL,
  PRIMARY KEY (run_id, seq)
);
CREATE TABLE IF NOT EXISTS approvals (
  run_id TEXT NOT NULL,
  stage_id TEXT NOT NULL,
  body TEXT NOT NULL,
  PRIMARY KEY (run_id, stage_id)
);
CREATE TABLE IF NOT EXISTS step_results (
  run_id TEXT NOT NULL,
  stage_id TEXT NOT NULL,
  key TEXT NOT NULL,
  saved_at TEXT NOT NULL,
  body TEXT NOT NULL,
  PRIMARY KEY (run_id, stage_id, key)
);
CREATE TABLE IF NOT EXISTS schedules (
  id TEXT PRIMARY KEY,
  created_at TEXT NOT NULL,
  body TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS schedule_slots (
  schedule_id TEXT NOT NULL,
  slot TEXT NOT NULL,
  owner TEXT NOT NULL,
  claimed_at TEXT NOT NULL,
  PRIMARY KEY (schedule_id, slot)
);
`;

/**
 * What brings a file written by an older switchyard up to date, by the version each step reaches. A fresh file gets
 * the current SCHEMA_SQL and SCHEMA_VERSION at once; these run only for files whose meta says an older version.
 * (Tables new in a version are in SCHEMA_SQL with IF NOT EXISTS; only changes to existing tables are steps here.)
 */
export const SCHEMA_MIGRATIONS: readonly { readonly version: number; readonly sql: string }[] = [
  {
    // run leases (exactly-once resume, approve and reject across processes)
    version: 2,
    sql: `
ALTER TABLE runs ADD COLUMN lease_owner TEXT;
ALTER TABLE runs ADD COLUMN lease_expires_at INTEGER;
ALTER TABLE runs ADD COLUMN lease_token INTEGER NOT NULL DEFAULT 0;
`,
  },
];

/** The part of a better-sqlite3 database migrations need. */
interface MigratableDatabase {
  exec(sql: string): unknown;
  prepare(sql: string): { get(...params: unknown[]): unknown; run(...params: unknown[]): unknown };
  transaction(fn: () => void): { immediate(): void };
}

/**
 * Applies the steps newer than the file's version in one write transaction (BEGIN IMMEDIATE), re-reading the
 * version inside it: when two processes open an old file at once, the second finds it done.
 */
export function migrateSqliteSchema(db: MigratableDatabase): void {
  db.transaction(() => {
    const row = db.prepare('SELECT value FROM meta WHERE key = ?').get('schema_version') as { value: string } | undefined;
    const current = Number(row?.value ?? SCHEMA_VERSION);
    const steps = SCHEMA_MIGRATIONS.filter((step) => step.version > current && step.version <= SCHEMA_VERSION);
    if (steps.length === 0) return;
    for (const step of steps) db.exec(step.sql);
    db.prepare('UPDATE meta SET value = ? WHERE key = ?').run(String(steps.at(-1)!.version), 'schema_version');
  }).immediate();
}
