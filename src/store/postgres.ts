/**
 * The shared run store: PostgreSQL, for several processes and machines on one set of runs, schedules and leases.
 *
 * `pg` is a store driver here, as better-sqlite3 is for src/store/sqlite.ts, not an engine SDK: this file alone in
 * src/ may name it, with type-only imports and one lazy `import('pg')` in `openPostgresRunStore`, so the core's
 * import graph never loads it unless a PostgreSQL store is opened (eslint.config.js and test/unit/boundary.test.ts
 * allow exactly that and nothing more).
 */
import type { Pool, PoolClient, QueryResultRow } from 'pg';
import type { HistoryEntry } from '../adapter.js';
import { SwitchyardError } from '../errors.js';
import type { RunEvent, RunStatus } from '../events/types.js';
import { SLOT_RETENTION_MS, assertOwner, assertScheduleId, assertTtl, normaliseSlot } from './leases.js';
import { redactUrl, scrubPassword } from './store-url.js';
import type { AcquireLeaseOptions, ApprovalRecord, LeaseAcquisition, ListRunsOptions, RunLease, RunRecord, RunStore, ScheduleRecord, StageRecord, StepResultRecord } from './types.js';

export interface PostgresRunStoreOptions {
  /** `postgres://user:password@host:5432/database` (the password is never printed). */
  readonly url: string;
  /** A schema of its own (created when missing) instead of the connection's search_path; a plain lowercase identifier. */
  readonly schema?: string;
  /** Connections in the pool (default 4). */
  readonly max?: number;
  /** How long to wait for a connection, in ms (default 10 000). */
  readonly connectionTimeoutMs?: number;
}

/**
 * The store's tables, by version. Each step runs once, in order, inside the migration transaction, and is recorded
 * in `schema_migrations`; a database migrated by a newer switchyard is refused. Never edit a released step: add one.
 */
export const POSTGRES_MIGRATIONS: readonly { readonly version: number; readonly name: string; readonly sql: string }[] = [
  {
    version: 1,
    name: 'runs, stages, history, events, approvals, schedules, leases and schedule slots',
    sql: `
CREATE TABLE runs (
  run_id text COLLATE "C" PRIMARY KEY,
  ord bigint GENERATED ALWAYS AS IDENTITY,
  pipeline_name text NOT NULL,
  status text NOT NULL,
  created_at text COLLATE "C" NOT NULL,
  updated_at text NOT NULL,
  body text NOT NULL,
  lease_owner text,
  lease_expires_at timestamptz,
  lease_token bigint NOT NULL DEFAULT 0
);
CREATE INDEX runs_by_created ON runs (created_at DESC, ord DESC);
CREATE INDEX runs_by_status ON runs (status, created_at DESC, ord DESC);
CREATE TABLE stages (
  run_id text NOT NULL,
  stage_id text NOT NULL,
  ord bigint GENERATED ALWAYS AS IDENTITY,
  body text NOT NULL,
  PRIMARY KEY (run_id, stage_id)
);
CREATE TABLE history (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  run_id text NOT NULL,
  body text NOT NULL
);
CREATE INDEX history_by_run ON history (run_id, id);
CREATE TABLE events (
  run_id text NOT NULL,
  seq bigint NOT NULL,
  type text NOT NULL,
  body text NOT NULL,
  PRIMARY KEY (run_id, seq)
);
CREATE TABLE approvals (
  run_id text NOT NULL,
  stage_id text NOT NULL,
  ord bigint GENERATED ALWAYS AS IDENTITY,
  body text NOT NULL,
  PRIMARY KEY (run_id, stage_id)
);
CREATE TABLE schedules (
  id text COLLATE "C" PRIMARY KEY,
  created_at text COLLATE "C" NOT NULL,
  body text NOT NULL
);
CREATE TABLE schedule_slots (
  schedule_id text NOT NULL,
  slot text COLLATE "C" NOT NULL,
  owner text NOT NULL,
  claimed_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (schedule_id, slot)
);
`,
  },
  {
    version: 2,
    name: 'step results (memoized DAG nodes)',
    sql: `
CREATE TABLE step_results (
  run_id text NOT NULL,
  stage_id text NOT NULL,
  key text NOT NULL,
  ord bigint GENERATED ALWAYS AS IDENTITY,
  saved_at text NOT NULL,
  body text NOT NULL,
  PRIMARY KEY (run_id, stage_id, key)
);
`,
  },
];

/** The newest schema version this switchyard knows. */
export const POSTGRES_SCHEMA_VERSION = POSTGRES_MIGRATIONS.at(-1)!.version;

interface LeaseRow {
  readonly lease_owner: string;
  readonly lease_expires_at: Date;
  readonly lease_token: string | number;
}

const LEASE_COLUMNS = 'lease_owner, lease_expires_at, lease_token';
const UNIQUE_VIOLATION = '23505';

/**
 * Runs, stages, history, events, approvals, schedules, leases and schedule slots in PostgreSQL. Records are stored
 * as JSON text, as in SQLite, so they round-trip exactly; order comes from identity columns, so concurrent writers
 * never collide on a sequence number. Lease expiry uses the server's clock (`clock_timestamp()`).
 */
export class PostgresRunStore implements RunStore {
  /** The URL with its password redacted. */
  readonly url: string;
  readonly schema: string | undefined;
  readonly #pool: Pool;
  #closed = false;

  constructor(pool: Pool, options: { readonly url: string; readonly schema?: string }) {
    this.#pool = pool;
    this.url = redactUrl(options.url);
    this.schema = options.schema;
  }

  async createRun(run: RunRecord): Promise<void> {
    try {
      await this.#query(
        'sy_create_run',
        'INSERT INTO runs (run_id, pipeline_name, status, created_at, updated_at, body) VALUES ($1, $2, $3, $4, $5, $6)',
        [run.runId, run.pipelineName, run.status, run.createdAt, run.updatedAt, JSON.stringify(run)],
      );
    } catch (error) {
      if ((error as { code?: string }).code === UNIQUE_VIOLATION) {
        throw new SwitchyardError('CONFLICT', `run ${run.runId} already exists`, { details: { runId: run.runId } });
      }
      throw error;
    }
  }

  async updateRun(runId: string, patch: Partial<Omit<RunRecord, 'runId'>>): Promise<void> {
    await this.#transaction(async (client) => {
      const { rows } = await client.query<{ body: string }>({ name: 'sy_lock_run', text: 'SELECT body FROM runs WHERE run_id = $1 FOR UPDATE', values: [runId] });
      if (!rows[0]) throw new SwitchyardError('NOT_FOUND', `no run ${runId}`, { details: { runId } });
      const current = JSON.parse(rows[0].body) as RunRecord;
      const next: RunRecord = { ...current, ...patch, runId, updatedAt: patch.updatedAt ?? new Date().toISOString() };
      await client.query({ name: 'sy_update_run', text: 'UPDATE runs SET status = $1, updated_at = $2, body = $3 WHERE run_id = $4', values: [next.status, next.updatedAt, JSON.stringify(next), runId] });
    });
  }

  async getRun(runId: string): Promise<RunRecord | undefined> {
    const rows = await this.#query<{ body: string }>('sy_get_run', 'SELECT body FROM runs WHERE run_id = $1', [runId]);
    return rows[0] ? (JSON.parse(rows[0].body) as RunRecord) : undefined;
  }

  async listRuns(options: ListRunsOptions = {}): Promise<RunRecord[]> {
    const limit = options.limit ?? 50;
    const rows = options.status
      ? await this.#query<{ body: string }>('sy_list_runs_by_status', 'SELECT body FROM runs WHERE status = $1 ORDER BY created_at DESC, ord DESC LIMIT $2', [options.status, limit])
      : await this.#query<{ body: string }>('sy_list_runs', 'SELECT body FROM runs ORDER BY created_at DESC, ord DESC LIMIT $1', [limit]);
    return rows.map((row) => JSON.parse(row.body) as RunRecord);
  }

  async saveStage(stage: StageRecord): Promise<void> {
    // The identity column is set on the first insert only, so a stage keeps the position it was first saved in.
    await this.#query(
      'sy_save_stage',
      'INSERT INTO stages (run_id, stage_id, body) VALUES ($1, $2, $3) ON CONFLICT (run_id, stage_id) DO UPDATE SET body = excluded.body',
      [stage.runId, stage.stageId, JSON.stringify(stage)],
    );
  }

  async listStages(runId: string): Promise<StageRecord[]> {
    return this.#bodies<StageRecord>('sy_list_stages', 'SELECT body FROM stages WHERE run_id = $1 ORDER BY ord', [runId]);
  }

  async appendHistory(runId: string, entry: HistoryEntry): Promise<void> {
    await this.#query('sy_append_history', 'INSERT INTO history (run_id, body) VALUES ($1, $2)', [runId, JSON.stringify(entry)]);
  }

  async listHistory(runId: string): Promise<HistoryEntry[]> {
    return this.#bodies<HistoryEntry>('sy_list_history', 'SELECT body FROM history WHERE run_id = $1 ORDER BY id', [runId]);
  }

  async appendEvent(event: RunEvent): Promise<void> {
    await this.#query(
      'sy_append_event',
      'INSERT INTO events (run_id, seq, type, body) VALUES ($1, $2, $3, $4) ON CONFLICT (run_id, seq) DO UPDATE SET type = excluded.type, body = excluded.body',
      [event.runId, event.seq, event.type, JSON.stringify(event)],
    );
  }

  async appendEvents(events: readonly RunEvent[]): Promise<void> {
    if (events.length === 0) return;
    if (events.length === 1) return this.appendEvent(events[0]!);
    // One statement for the batch; a (run, seq) given twice keeps the last, as one-by-one appends would.
    const byKey = new Map<string, RunEvent>();
    for (const event of events) byKey.set(`${event.runId}\u0000${event.seq}`, event);
    const batch = [...byKey.values()];
    await this.#query(
      'sy_append_events',
      `INSERT INTO events (run_id, seq, type, body)
       SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[])
       ON CONFLICT (run_id, seq) DO UPDATE SET type = excluded.type, body = excluded.body`,
      [batch.map((e) => e.runId), batch.map((e) => e.seq), batch.map((e) => e.type), batch.map((e) => JSON.stringify(e))],
    );
  }

  async listEvents(runId: string): Promise<RunEvent[]> {
    return this.#bodies<RunEvent>('sy_list_events', 'SELECT body FROM events WHERE run_id = $1 ORDER BY seq', [runId]);
  }

  async saveApproval(approval: ApprovalRecord): Promise<void> {
    await this.#query(
      'sy_save_approval',
      'INSERT INTO approvals (run_id, stage_id, body) VALUES ($1, $2, $3) ON CONFLICT (run_id, stage_id) DO UPDATE SET body = excluded.body',
      [approval.runId, approval.stageId, JSON.stringify(approval)],
    );
  }

  async listApprovals(runId: string): Promise<ApprovalRecord[]> {
    return this.#bodies<ApprovalRecord>('sy_list_approvals', 'SELECT body FROM approvals WHERE run_id = $1 ORDER BY ord', [runId]);
  }

  async saveStepResult(runId: string, stageId: string, key: string, value: unknown): Promise<void> {
    // Only for a run that exists (one statement); a replaced result keeps its first position (the identity column).
    const result = await this.#pool.query({
      name: 'sy_save_step_result',
      text: `INSERT INTO step_results (run_id, stage_id, key, saved_at, body)
             SELECT $1::text, $2::text, $3::text, $4::text, $5::text WHERE EXISTS (SELECT 1 FROM runs WHERE run_id = $1::text)
             ON CONFLICT (run_id, stage_id, key) DO UPDATE SET saved_at = excluded.saved_at, body = excluded.body`,
      values: [runId, stageId, key, new Date().toISOString(), JSON.stringify(value)],
    });
    if ((result.rowCount ?? 0) === 0) throw new SwitchyardError('NOT_FOUND', `no run ${runId}`, { details: { runId } });
  }

  async listStepResults(runId: string, stageId: string): Promise<StepResultRecord[]> {
    const rows = await this.#query<{ key: string; saved_at: string; body: string }>(
      'sy_list_step_results',
      'SELECT key, saved_at, body FROM step_results WHERE run_id = $1 AND stage_id = $2 ORDER BY ord',
      [runId, stageId],
    );
    return rows.map((row) => ({ key: row.key, value: JSON.parse(row.body) as unknown, savedAt: row.saved_at }));
  }

  async saveSchedule(schedule: ScheduleRecord): Promise<void> {
    await this.#query(
      'sy_save_schedule',
      'INSERT INTO schedules (id, created_at, body) VALUES ($1, $2, $3) ON CONFLICT (id) DO UPDATE SET body = excluded.body',
      [schedule.id, schedule.createdAt, JSON.stringify(schedule)],
    );
  }

  async getSchedule(id: string): Promise<ScheduleRecord | undefined> {
    return (await this.#bodies<ScheduleRecord>('sy_get_schedule', 'SELECT body FROM schedules WHERE id = $1', [id]))[0];
  }

  async listSchedules(): Promise<ScheduleRecord[]> {
    return this.#bodies<ScheduleRecord>('sy_list_schedules', 'SELECT body FROM schedules ORDER BY created_at, id', []);
  }

  async removeSchedule(id: string): Promise<boolean> {
    const result = await this.#pool.query({ name: 'sy_remove_schedule', text: 'DELETE FROM schedules WHERE id = $1', values: [id] });
    return (result.rowCount ?? 0) > 0;
  }

  async acquireLease(runId: string, options: AcquireLeaseOptions): Promise<LeaseAcquisition> {
    const owner = assertOwner(options.owner);
    const ttlMs = assertTtl(options.ttlMs);
    const expect = options.expect ? [...options.expect] : null;
    // The UPDATE is the atomic step: racing acquirers queue on the row lock and re-check the WHERE on the winner's
    // row, so one wins. Reading why it failed is a second step; a lease freed in between is simply tried again.
    for (let attempt = 0; ; attempt++) {
      const taken = await this.#query<LeaseRow>(
        'sy_acquire_lease',
        `UPDATE runs SET
           lease_token = lease_token + (CASE WHEN lease_owner IS NOT DISTINCT FROM $2 THEN 0 ELSE 1 END),
           lease_owner = $2,
           lease_expires_at = clock_timestamp() + $3 * interval '1 millisecond'
         WHERE run_id = $1
           AND (lease_owner IS NULL OR lease_owner = $2 OR lease_expires_at <= clock_timestamp())
           AND ($4::text[] IS NULL OR status = ANY ($4::text[]))
         RETURNING ${LEASE_COLUMNS}`,
        [runId, owner, ttlMs, expect],
      );
      if (taken[0]) return { acquired: true, lease: leaseOf(runId, taken[0]) };
      const [current] = await this.#query<{ status: RunStatus; lease_owner: string | null; lease_expires_at: Date | null; live: boolean }>(
        'sy_lease_state',
        'SELECT status, lease_owner, lease_expires_at, (lease_owner IS NOT NULL AND lease_expires_at > clock_timestamp()) AS live FROM runs WHERE run_id = $1',
        [runId],
      );
      if (!current) throw new SwitchyardError('NOT_FOUND', `no run ${runId}`, { details: { runId } });
      if (current.live && current.lease_owner !== owner) {
        return { acquired: false, reason: 'held', holder: current.lease_owner!, expiresAt: current.lease_expires_at!.toISOString(), status: current.status };
      }
      if (expect && !expect.includes(current.status)) return { acquired: false, reason: 'status', status: current.status };
      if (attempt >= 3) return { acquired: false, reason: 'status', status: current.status };
    }
  }

  async renewLease(lease: Pick<RunLease, 'runId' | 'owner' | 'token'>, ttlMs: number): Promise<RunLease | undefined> {
    assertTtl(ttlMs);
    const [row] = await this.#query<LeaseRow>(
      'sy_renew_lease',
      `UPDATE runs SET lease_expires_at = clock_timestamp() + $4 * interval '1 millisecond'
       WHERE run_id = $1 AND lease_owner = $2 AND lease_token = $3 RETURNING ${LEASE_COLUMNS}`,
      [lease.runId, lease.owner, lease.token, ttlMs],
    );
    return row ? leaseOf(lease.runId, row) : undefined;
  }

  async releaseLease(lease: Pick<RunLease, 'runId' | 'owner' | 'token'>): Promise<boolean> {
    const result = await this.#pool.query({
      name: 'sy_release_lease',
      text: 'UPDATE runs SET lease_owner = NULL, lease_expires_at = NULL WHERE run_id = $1 AND lease_owner = $2 AND lease_token = $3',
      values: [lease.runId, lease.owner, lease.token],
    });
    return (result.rowCount ?? 0) > 0;
  }

  async getLease(runId: string): Promise<RunLease | undefined> {
    const [row] = await this.#query<LeaseRow>(
      'sy_get_lease',
      `SELECT ${LEASE_COLUMNS} FROM runs WHERE run_id = $1 AND lease_owner IS NOT NULL AND lease_expires_at > clock_timestamp()`,
      [runId],
    );
    return row ? leaseOf(runId, row) : undefined;
  }

  async claimScheduleSlot(scheduleId: string, slot: string, owner: string): Promise<boolean> {
    assertScheduleId(scheduleId);
    assertOwner(owner);
    const { iso, ms } = normaliseSlot(slot);
    // A unique row per (schedule, slot): of racing inserts one writes it, the others wait for it and do nothing.
    const result = await this.#pool.query({
      name: 'sy_claim_slot',
      text: 'INSERT INTO schedule_slots (schedule_id, slot, owner) VALUES ($1, $2, $3) ON CONFLICT (schedule_id, slot) DO NOTHING',
      values: [scheduleId, iso, owner],
    });
    if ((result.rowCount ?? 0) !== 1) return false;
    await this.#query('sy_prune_slots', 'DELETE FROM schedule_slots WHERE schedule_id = $1 AND slot < $2', [scheduleId, new Date(ms - SLOT_RETENTION_MS).toISOString()]);
    return true;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#pool.end();
  }

  async #query<R extends QueryResultRow>(name: string, text: string, values: unknown[]): Promise<R[]> {
    return (await this.#pool.query<R>({ name, text, values })).rows;
  }

  async #bodies<T>(name: string, text: string, values: unknown[]): Promise<T[]> {
    return (await this.#query<{ body: string }>(name, text, values)).map((row) => JSON.parse(row.body) as T);
  }

  async #transaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    const client = await this.#pool.connect();
    let broken: unknown;
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch((rollbackError: unknown) => {
        broken = rollbackError;
      });
      throw error;
    } finally {
      // a connection that could not roll back is not given back to the pool
      client.release(broken instanceof Error ? broken : undefined);
    }
  }
}

function leaseOf(runId: string, row: LeaseRow): RunLease {
  return { runId, owner: row.lease_owner, expiresAt: row.lease_expires_at.toISOString(), token: Number(row.lease_token) };
}

/** A fixed key for the advisory lock that serialises migrations (one per schema). */
const MIGRATION_LOCK = 'switchyard run store migrations';

/**
 * Brings the database (or `schema`) up to POSTGRES_SCHEMA_VERSION. Idempotent, and safe when several processes
 * open the store at once: the whole migration runs in one transaction that first takes a transaction-scoped
 * advisory lock, so the others wait and then find every step recorded in `schema_migrations`.
 */
export async function migratePostgres(pool: Pool, schema?: string): Promise<{ readonly from: number; readonly to: number }> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`${MIGRATION_LOCK}:${schema ?? ''}`]);
    if (schema) {
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
      await client.query(`SET LOCAL search_path TO ${schema}`);
    }
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY,
      name text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const { rows } = await client.query<{ version: number | null }>('SELECT max(version) AS version FROM schema_migrations');
    const from = rows[0]?.version ?? 0;
    if (from > POSTGRES_SCHEMA_VERSION) {
      throw new SwitchyardError('CONFLICT', `the run store was migrated by a newer switchyard (schema ${from}, this one knows ${POSTGRES_SCHEMA_VERSION})`, {
        details: { schemaVersion: from, known: POSTGRES_SCHEMA_VERSION },
      });
    }
    for (const step of POSTGRES_MIGRATIONS) {
      if (step.version <= from) continue;
      await client.query(step.sql);
      await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [step.version, step.name]);
    }
    await client.query('COMMIT');
    return { from, to: Math.max(from, POSTGRES_SCHEMA_VERSION) };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Opens the PostgreSQL run store at `options.url`: a connection pool (idle connections do not keep a CLI process
 * alive) and the migrations. pg is loaded here, on first use. Errors name the server with its password redacted.
 */
export async function openPostgresRunStore(options: PostgresRunStoreOptions): Promise<PostgresRunStore> {
  const { url, schema } = options;
  if (schema !== undefined && !SCHEMA_NAME.test(schema)) {
    throw new SwitchyardError('INVALID_INPUT', `schema: expected a plain lowercase identifier; got ${JSON.stringify(schema)}`, { path: 'schema', expected: 'a plain lowercase identifier', got: schema });
  }
  const { default: pg } = await import('pg');
  let pool: Pool;
  try {
    pool = new pg.Pool({
      connectionString: url,
      max: options.max ?? 4,
      connectionTimeoutMillis: options.connectionTimeoutMs ?? 10_000,
      allowExitOnIdle: true,
      application_name: 'switchyard',
      ...(schema ? { options: `-c search_path=${schema}` } : {}),
    });
  } catch (error) {
    throw new SwitchyardError('INVALID_INPUT', `run store: cannot use PostgreSQL at ${redactUrl(url)}: ${scrubPassword((error as Error).message, url)}`, { path: 'url' });
  }
  // An idle connection the server drops is reported by the next query; it must not crash the process.
  pool.on('error', () => undefined);
  try {
    await migratePostgres(pool, schema);
  } catch (error) {
    await pool.end().catch(() => undefined);
    if (error instanceof SwitchyardError) throw error;
    const code = (error as { code?: unknown }).code;
    if (code === 'ERR_INVALID_URL') throw new SwitchyardError('INVALID_INPUT', `run store: ${redactUrl(url)} is not a valid PostgreSQL URL`, { path: 'url', expected: 'postgres://user:password@host:port/database' });
    throw new SwitchyardError('REMOTE_ERROR', `run store: cannot use PostgreSQL at ${redactUrl(url)}: ${scrubPassword((error as Error).message, url)}`, {
      ...(typeof code === 'string' ? { details: { code } } : {}),
    });
  }
  return new PostgresRunStore(pool, { url, ...(schema ? { schema } : {}) });
}
