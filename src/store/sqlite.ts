import { chmodSync, existsSync } from 'node:fs';
import { PRIVATE_FILE_MODE, ensurePrivateFile } from './private-files.js';
import { join } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import type { HistoryEntry } from '../adapter.js';
import { SwitchyardError } from '../errors.js';
import type { RunEvent } from '../events/types.js';
import { SCHEMA_SQL, SCHEMA_VERSION, migrateSqliteSchema } from './sqlite-schema.js';
import { SqliteLeases } from './sqlite-leases.js';
import { RUN_STORE_FILE } from './home.js';
import type { AcquireLeaseOptions, ApprovalRecord, LeaseAcquisition, ListRunsOptions, RunCommit, RunLease, RunRecord, RunStore, ScheduleRecord, StageRecord, StepResultRecord } from './types.js';

type Database = BetterSqlite3.Database;
type Statement = BetterSqlite3.Statement;

/**
 * The embedded run store: one SQLite file (WAL mode) under the switchyard home.
 * Several processes may open it at once (a scheduler and a CLI, a killed run and its resume).
 */
export class SqliteRunStore implements RunStore {
  readonly file: string;
  readonly #db: Database;
  readonly #stmt: Record<string, Statement>;
  readonly #appendEvents: (events: readonly RunEvent[]) => void;
  readonly #commit: BetterSqlite3.Transaction<(commit: RunCommit) => void>;
  readonly #leases: SqliteLeases;

  constructor(db: Database, file: string) {
    this.#db = db;
    this.file = file;
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 5000');
    db.exec(SCHEMA_SQL);
    db.prepare('INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)').run('schema_version', String(SCHEMA_VERSION));
    const version = Number((db.prepare('SELECT value FROM meta WHERE key = ?').get('schema_version') as { value: string }).value);
    if (version > SCHEMA_VERSION) {
      throw new SwitchyardError('CONFLICT', `${file} was written by a newer switchyard (schema ${version}, this one knows ${SCHEMA_VERSION})`, { file });
    }
    if (version < SCHEMA_VERSION) migrateSqliteSchema(db);
    this.#leases = new SqliteLeases(db);
    this.#stmt = {
      insertRun: db.prepare('INSERT INTO runs (run_id, pipeline_name, status, created_at, updated_at, body) VALUES (?, ?, ?, ?, ?, ?)'),
      updateRun: db.prepare('UPDATE runs SET status = ?, updated_at = ?, body = ? WHERE run_id = ?'),
      getRun: db.prepare('SELECT body FROM runs WHERE run_id = ?'),
      listRuns: db.prepare('SELECT body FROM runs ORDER BY created_at DESC, rowid DESC LIMIT ?'),
      listRunsByStatus: db.prepare('SELECT body FROM runs WHERE status = ? ORDER BY created_at DESC, rowid DESC LIMIT ?'),
      // Stages keep the order they were first saved in (an update keeps `ord`), so `listStages` reads like the run.
      saveStage: db.prepare(
        'INSERT INTO stages (run_id, stage_id, ord, body) VALUES (?, ?, (SELECT COALESCE(MAX(ord), -1) + 1 FROM stages WHERE run_id = ?), ?) ON CONFLICT (run_id, stage_id) DO UPDATE SET body = excluded.body',
      ),
      listStages: db.prepare('SELECT body FROM stages WHERE run_id = ? ORDER BY ord'),
      appendHistory: db.prepare('INSERT INTO history (run_id, seq, body) VALUES (?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM history WHERE run_id = ?), ?)'),
      listHistory: db.prepare('SELECT body FROM history WHERE run_id = ? ORDER BY seq'),
      appendEvent: db.prepare('INSERT OR REPLACE INTO events (run_id, seq, type, body) VALUES (?, ?, ?, ?)'),
      listEvents: db.prepare('SELECT body FROM events WHERE run_id = ? ORDER BY seq'),
      saveApproval: db.prepare(
        'INSERT INTO approvals (run_id, stage_id, body) VALUES (?, ?, ?) ON CONFLICT (run_id, stage_id) DO UPDATE SET body = excluded.body',
      ),
      listApprovals: db.prepare('SELECT body FROM approvals WHERE run_id = ? ORDER BY rowid'),
      // A replaced step result keeps its rowid (the upsert updates in place), so the list keeps first-saved order.
      saveStepResult: db.prepare(
        'INSERT INTO step_results (run_id, stage_id, key, saved_at, body) VALUES (?, ?, ?, ?, ?) ON CONFLICT (run_id, stage_id, key) DO UPDATE SET saved_at = excluded.saved_at, body = excluded.body',
      ),
      listStepResults: db.prepare('SELECT key, saved_at, body FROM step_results WHERE run_id = ? AND stage_id = ? ORDER BY rowid'),
      runExists: db.prepare('SELECT 1 FROM runs WHERE run_id = ?'),
      saveSchedule: db.prepare('INSERT INTO schedules (id, created_at, body) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET body = excluded.body'),
      getSchedule: db.prepare('SELECT body FROM schedules WHERE id = ?'),
      listSchedules: db.prepare('SELECT body FROM schedules ORDER BY created_at, id'),
      removeSchedule: db.prepare('DELETE FROM schedules WHERE id = ?'),
    };
    const appendEvent = this.#stmt.appendEvent!;
    this.#appendEvents = db.transaction((events: readonly RunEvent[]) => {
      for (const event of events) appendEvent.run(event.runId, event.seq, event.type, JSON.stringify(event));
    });
    const { saveStage, appendHistory, saveApproval } = this.#stmt as Record<'saveStage' | 'appendHistory' | 'saveApproval', Statement>;
    // A durable point of a run in one transaction: one commit to the WAL, however many records it holds.
    const runExists = db.prepare('SELECT 1 FROM runs WHERE run_id = ?').pluck();
    this.#commit = db.transaction((commit: RunCommit) => {
      const { runId } = commit;
      // all or nothing: a durable point of a run that does not exist keeps nothing (the run patch checks it itself)
      if (!commit.run && runExists.get(runId) === undefined) throw new SwitchyardError('NOT_FOUND', `no run ${runId}`, { details: { runId } });
      if (commit.stage) saveStage.run(commit.stage.runId, commit.stage.stageId, commit.stage.runId, JSON.stringify(commit.stage));
      for (const entry of commit.history ?? []) appendHistory.run(runId, runId, JSON.stringify(entry));
      if (commit.approval) saveApproval.run(commit.approval.runId, commit.approval.stageId, JSON.stringify(commit.approval));
      for (const event of commit.events ?? []) appendEvent.run(event.runId, event.seq, event.type, JSON.stringify(event));
      if (commit.run) this.#updateRunSync(runId, commit.run);
    });
  }

  async createRun(run: RunRecord): Promise<void> {
    try {
      this.#stmt.insertRun!.run(run.runId, run.pipelineName, run.status, run.createdAt, run.updatedAt, JSON.stringify(run));
    } catch (error) {
      if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
        throw new SwitchyardError('CONFLICT', `run ${run.runId} already exists`, { details: { runId: run.runId } });
      }
      throw error;
    }
  }

  async updateRun(runId: string, patch: Partial<Omit<RunRecord, 'runId'>>): Promise<void> {
    const update = this.#db.transaction(() => this.#updateRunSync(runId, patch));
    update.immediate();
  }

  /** Read, merge, write: inside a transaction, so no other writer comes between. */
  #updateRunSync(runId: string, patch: Partial<Omit<RunRecord, 'runId'>>): void {
    const current = this.#getRunSync(runId);
    if (!current) throw new SwitchyardError('NOT_FOUND', `no run ${runId}`, { details: { runId } });
    const next: RunRecord = { ...current, ...patch, runId, updatedAt: patch.updatedAt ?? new Date().toISOString() };
    this.#stmt.updateRun!.run(next.status, next.updatedAt, JSON.stringify(next), runId);
  }

  async getRun(runId: string): Promise<RunRecord | undefined> {
    return this.#getRunSync(runId);
  }

  #getRunSync(runId: string): RunRecord | undefined {
    const row = this.#stmt.getRun!.get(runId) as { body: string } | undefined;
    return row ? (JSON.parse(row.body) as RunRecord) : undefined;
  }

  async listRuns(options: ListRunsOptions = {}): Promise<RunRecord[]> {
    const limit = options.limit ?? 50;
    const rows = (options.status ? this.#stmt.listRunsByStatus!.all(options.status, limit) : this.#stmt.listRuns!.all(limit)) as { body: string }[];
    return rows.map((row) => JSON.parse(row.body) as RunRecord);
  }

  async saveStage(stage: StageRecord): Promise<void> {
    this.#stmt.saveStage!.run(stage.runId, stage.stageId, stage.runId, JSON.stringify(stage));
  }

  async listStages(runId: string): Promise<StageRecord[]> {
    return (this.#stmt.listStages!.all(runId) as { body: string }[]).map((row) => JSON.parse(row.body) as StageRecord);
  }

  async appendHistory(runId: string, entry: HistoryEntry): Promise<void> {
    this.#stmt.appendHistory!.run(runId, runId, JSON.stringify(entry));
  }

  async listHistory(runId: string): Promise<HistoryEntry[]> {
    return (this.#stmt.listHistory!.all(runId) as { body: string }[]).map((row) => JSON.parse(row.body) as HistoryEntry);
  }

  async appendEvent(event: RunEvent): Promise<void> {
    this.#stmt.appendEvent!.run(event.runId, event.seq, event.type, JSON.stringify(event));
  }

  async appendEvents(events: readonly RunEvent[]): Promise<void> {
    if (events.length === 1) this.#stmt.appendEvent!.run(events[0]!.runId, events[0]!.seq, events[0]!.type, JSON.stringify(events[0]));
    else if (events.length > 1) this.#appendEvents(events);
  }

  async listEvents(runId: string): Promise<RunEvent[]> {
    return (this.#stmt.listEvents!.all(runId) as { body: string }[]).map((row) => JSON.parse(row.body) as RunEvent);
  }

  async saveApproval(approval: ApprovalRecord): Promise<void> {
    this.#stmt.saveApproval!.run(approval.runId, approval.stageId, JSON.stringify(approval));
  }

  /** A durable point of a run (stage record, history, approval, events, run patch), all or nothing. */
  async commit(commit: RunCommit): Promise<void> {
    this.#commit.immediate(commit);
  }

  async listApprovals(runId: string): Promise<ApprovalRecord[]> {
    return (this.#stmt.listApprovals!.all(runId) as { body: string }[]).map((row) => JSON.parse(row.body) as ApprovalRecord);
  }

  async saveStepResult(runId: string, stageId: string, key: string, value: unknown): Promise<void> {
    if (this.#stmt.runExists!.get(runId) === undefined) throw new SwitchyardError('NOT_FOUND', `no run ${runId}`, { details: { runId } });
    this.#stmt.saveStepResult!.run(runId, stageId, key, new Date().toISOString(), JSON.stringify(value));
  }

  async listStepResults(runId: string, stageId: string): Promise<StepResultRecord[]> {
    return (this.#stmt.listStepResults!.all(runId, stageId) as { key: string; saved_at: string; body: string }[]).map((row) => ({ key: row.key, value: JSON.parse(row.body) as unknown, savedAt: row.saved_at }));
  }

  async saveSchedule(schedule: ScheduleRecord): Promise<void> {
    this.#stmt.saveSchedule!.run(schedule.id, schedule.createdAt, JSON.stringify(schedule));
  }

  async getSchedule(id: string): Promise<ScheduleRecord | undefined> {
    const row = this.#stmt.getSchedule!.get(id) as { body: string } | undefined;
    return row ? (JSON.parse(row.body) as ScheduleRecord) : undefined;
  }

  async listSchedules(): Promise<ScheduleRecord[]> {
    return (this.#stmt.listSchedules!.all() as { body: string }[]).map((row) => JSON.parse(row.body) as ScheduleRecord);
  }

  async removeSchedule(id: string): Promise<boolean> {
    return this.#stmt.removeSchedule!.run(id).changes > 0;
  }

  async acquireLease(runId: string, options: AcquireLeaseOptions): Promise<LeaseAcquisition> {
    return this.#leases.acquire(runId, options);
  }

  async renewLease(lease: Pick<RunLease, 'runId' | 'owner' | 'token'>, ttlMs: number): Promise<RunLease | undefined> {
    return this.#leases.renew(lease, ttlMs);
  }

  async releaseLease(lease: Pick<RunLease, 'runId' | 'owner' | 'token'>): Promise<boolean> {
    return this.#leases.release(lease);
  }

  async getLease(runId: string): Promise<RunLease | undefined> {
    return this.#leases.get(runId);
  }

  async claimScheduleSlot(scheduleId: string, slot: string, owner: string): Promise<boolean> {
    return this.#leases.claimScheduleSlot(scheduleId, slot, owner);
  }

  async close(): Promise<void> {
    if (this.#db.open) this.#db.close();
  }
}

/** Opens (creating when needed) `<home>/switchyard.sqlite`. better-sqlite3 is loaded only here, on first use. */
export async function openSqliteRunStore(home: string): Promise<SqliteRunStore> {
  const file = join(home, RUN_STORE_FILE);
  ensurePrivateFile(file);
  // SQLite gives new -wal and -shm files the database's mode; narrow ones an earlier version left behind.
  for (const suffix of ['-wal', '-shm']) if (existsSync(file + suffix)) chmodSync(file + suffix, PRIVATE_FILE_MODE);
  const { default: Database } = await import('better-sqlite3');
  return new SqliteRunStore(new Database(file), file);
}
