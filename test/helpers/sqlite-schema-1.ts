import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { runRecord } from 'switchyard/adapter-kit/testing';

/** The tables as the first released switchyard wrote them (schema 1: no leases, no schedule slots). */
export const SCHEMA_1 = `
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE runs (run_id TEXT PRIMARY KEY, pipeline_name TEXT NOT NULL, status TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL, body TEXT NOT NULL);
CREATE INDEX runs_by_created ON runs (created_at DESC);
CREATE INDEX runs_by_status ON runs (status, created_at DESC);
CREATE TABLE stages (run_id TEXT NOT NULL, stage_id TEXT NOT NULL, ord INTEGER NOT NULL, body TEXT NOT NULL, PRIMARY KEY (run_id, stage_id));
CREATE TABLE history (run_id TEXT NOT NULL, seq INTEGER NOT NULL, body TEXT NOT NULL, PRIMARY KEY (run_id, seq));
CREATE TABLE events (run_id TEXT NOT NULL, seq INTEGER NOT NULL, type TEXT NOT NULL, body TEXT NOT NULL, PRIMARY KEY (run_id, seq));
CREATE TABLE approvals (run_id TEXT NOT NULL, stage_id TEXT NOT NULL, body TEXT NOT NULL, PRIMARY KEY (run_id, stage_id));
CREATE TABLE schedules (id TEXT PRIMARY KEY, created_at TEXT NOT NULL, body TEXT NOT NULL);
INSERT INTO meta (key, value) VALUES ('schema_version', '1');
`;

/** A home whose store file was written at schema 1, with one run in it. */
export function schemaOneHome(): string {
  const home = mkdtempSync(join(tmpdir(), 'sy-schema1-'));
  const db = new Database(join(home, 'switchyard.sqlite'));
  db.exec(SCHEMA_1);
  const run = runRecord('old-run');
  db.prepare('INSERT INTO runs (run_id, pipeline_name, status, created_at, updated_at, body) VALUES (?, ?, ?, ?, ?, ?)').run(run.runId, run.pipelineName, run.status, run.createdAt, run.updatedAt, JSON.stringify(run));
  db.close();
  return home;
}

