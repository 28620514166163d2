import type BetterSqlite3 from 'better-sqlite3';
import { SwitchyardError } from '../errors.js';
import type { RunStatus } from '../events/types.js';
import { SLOT_RETENTION_MS, assertOwner, assertScheduleId, assertTtl, normaliseSlot } from './leases.js';
import type { AcquireLeaseOptions, LeaseAcquisition, RunLease } from './types.js';

type Database = BetterSqlite3.Database;

interface LeaseRow {
  readonly lease_owner: string;
  readonly lease_expires_at: number;
  readonly lease_token: number;
}

/**
 * Leases and schedule-slot claims on the SQLite file (design: src/store/leases.ts). Every change is one statement
 * inside a write transaction (BEGIN IMMEDIATE), so of several processes racing on the file exactly one wins.
 * Expiry uses the caller's clock: the processes sharing a SQLite file share a machine.
 */
export class SqliteLeases {
  readonly #acquire: (runId: string, options: AcquireLeaseOptions) => LeaseAcquisition;
  readonly #claim: (scheduleId: string, slot: string, owner: string) => boolean;
  readonly #renew: BetterSqlite3.Statement;
  readonly #release: BetterSqlite3.Statement;
  readonly #get: BetterSqlite3.Statement;

  constructor(db: Database) {
    const take = db.prepare(`
      UPDATE runs SET
        lease_token = lease_token + (CASE WHEN lease_owner IS @owner THEN 0 ELSE 1 END),
        lease_owner = @owner,
        lease_expires_at = @expiresAt
      WHERE run_id = @runId
        AND (lease_owner IS NULL OR lease_owner = @owner OR lease_expires_at <= @now)
        AND (@expect IS NULL OR status IN (SELECT value FROM json_each(@expect)))
      RETURNING lease_owner, lease_expires_at, lease_token`);
    const why = db.prepare('SELECT status, lease_owner, lease_expires_at FROM runs WHERE run_id = ?');
    const acquire = db.transaction((runId: string, options: AcquireLeaseOptions): LeaseAcquisition => {
      const now = Date.now();
      const params = { runId, owner: options.owner, now, expiresAt: now + options.ttlMs, expect: options.expect ? JSON.stringify(options.expect) : null };
      const row = take.get(params) as LeaseRow | undefined;
      if (row) return { acquired: true, lease: leaseOf(runId, row) };
      const current = why.get(runId) as { status: RunStatus; lease_owner: string | null; lease_expires_at: number | null } | undefined;
      if (!current) throw new SwitchyardError('NOT_FOUND', `no run ${runId}`, { details: { runId } });
      if (current.lease_owner !== null && current.lease_owner !== options.owner && (current.lease_expires_at ?? 0) > now) {
        return { acquired: false, reason: 'held', holder: current.lease_owner, expiresAt: new Date(current.lease_expires_at!).toISOString(), status: current.status };
      }
      return { acquired: false, reason: 'status', status: current.status };
    });
    this.#acquire = (runId, options) => acquire.immediate(runId, options);

    this.#renew = db.prepare(
      'UPDATE runs SET lease_expires_at = ? WHERE run_id = ? AND lease_owner = ? AND lease_token = ? RETURNING lease_owner, lease_expires_at, lease_token',
    );
    this.#release = db.prepare('UPDATE runs SET lease_owner = NULL, lease_expires_at = NULL WHERE run_id = ? AND lease_owner = ? AND lease_token = ?');
    this.#get = db.prepare('SELECT lease_owner, lease_expires_at, lease_token FROM runs WHERE run_id = ? AND lease_owner IS NOT NULL AND lease_expires_at > ?');

    const insertSlot = db.prepare('INSERT OR IGNORE INTO schedule_slots (schedule_id, slot, owner, claimed_at) VALUES (?, ?, ?, ?)');
    const pruneSlots = db.prepare('DELETE FROM schedule_slots WHERE schedule_id = ? AND slot < ?');
    const claim = db.transaction((scheduleId: string, slot: string, owner: string): boolean => {
      const { iso, ms } = normaliseSlot(slot);
      if (insertSlot.run(scheduleId, iso, owner, new Date().toISOString()).changes !== 1) return false;
      pruneSlots.run(scheduleId, new Date(ms - SLOT_RETENTION_MS).toISOString());
      return true;
    });
    this.#claim = (scheduleId, slot, owner) => claim.immediate(scheduleId, slot, owner);
  }

  acquire(runId: string, options: AcquireLeaseOptions): LeaseAcquisition {
    assertOwner(options.owner);
    assertTtl(options.ttlMs);
    return this.#acquire(runId, options);
  }

  renew(lease: Pick<RunLease, 'runId' | 'owner' | 'token'>, ttlMs: number): RunLease | undefined {
    assertTtl(ttlMs);
    const row = this.#renew.get(Date.now() + ttlMs, lease.runId, lease.owner, lease.token) as LeaseRow | undefined;
    return row ? leaseOf(lease.runId, row) : undefined;
  }

  release(lease: Pick<RunLease, 'runId' | 'owner' | 'token'>): boolean {
    return this.#release.run(lease.runId, lease.owner, lease.token).changes > 0;
  }

  get(runId: string): RunLease | undefined {
    const row = this.#get.get(runId, Date.now()) as LeaseRow | undefined;
    return row ? leaseOf(runId, row) : undefined;
  }

  claimScheduleSlot(scheduleId: string, slot: string, owner: string): boolean {
    assertScheduleId(scheduleId);
    assertOwner(owner);
    return this.#claim(scheduleId, slot, owner);
  }
}

function leaseOf(runId: string, row: LeaseRow): RunLease {
  return { runId, owner: row.lease_owner, expiresAt: new Date(row.lease_expires_at).toISOString(), token: row.lease_token };
}
