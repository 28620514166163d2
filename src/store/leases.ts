/**
 * Leases and schedule-slot claims: exactly-once transitions for several processes (and machines) sharing one store.
 *
 * Design (how the hub, the CLI and the scheduler are to use these; they are not wired in yet):
 *
 * - One owner id per process: `leaseOwner()` (host, pid and a random part), so a holder is recognisable in an
 *   error ("run X is running on build-7:4242:…") and two processes on one host never share an id.
 * - run / resume: after `createRun` (a fresh run) or before `updateRun({ status: 'running' })` (a resume) the hub
 *   calls `acquireLease(runId, { owner, ttlMs, expect })` with `expect` = the statuses it may continue from
 *   (`running` for a fresh run; `running`, `failed`, `cancelled`, `waiting` for resume). The status check and the
 *   take-over happen in one atomic step, so two `switchyard resume X` on two machines cannot both continue it: the
 *   loser gets `{ acquired: false, reason: 'held', holder, expiresAt }` and reports CONFLICT naming the holder.
 *   While stages run the hub renews every ttl/3 (`renewLease`); a renewal that returns undefined means the lease
 *   expired and someone took the run over (this process was stopped longer than the ttl): the hub aborts the run's
 *   signal and stops writing. When the run ends or waits for approval it calls `releaseLease`.
 * - interrupted: a `running` run whose lease has expired (`getLease` is undefined) is interrupted, on any machine;
 *   this replaces the pid check, which only works on the host that ran it.
 * - approve / reject: the deciding process takes the lease with `expect: ['waiting']` before it saves the decision,
 *   so of two approvers racing only one records its decision and resumes; the other sees the holder, or (once the
 *   winner has moved the run on) `reason: 'status'`.
 * - scheduler: before firing a slot (a cron or interval time, or the one missed slot `missed: run-once` catches up),
 *   each scheduler calls `claimScheduleSlot(scheduleId, slotIso, owner)`; only the caller that gets true starts the
 *   run, so several schedulers on one store fire every slot once. The run it starts then takes a lease as above.
 * - the token: grows whenever the lease passes to a new holder, so a write can later be fenced by it.
 * - clocks: the memory and SQLite stores use the caller's clock (one machine); PostgreSQL uses the server's clock,
 *   so clock skew between machines does not move expiry.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { SwitchyardError } from '../errors.js';

/** A schedule's claimed slots older than this before a newer claim are pruned. */
export const SLOT_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;

/** An owner id for this process: `host:pid:random` (the random part tells apart two stores opened in one process). */
export function leaseOwner(): string {
  return `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
}

/** Throws INVALID_INPUT unless `ttlMs` is a positive integer (at most a year). */
export function assertTtl(ttlMs: unknown, path = 'ttlMs'): number {
  if (typeof ttlMs !== 'number' || !Number.isInteger(ttlMs) || ttlMs <= 0 || ttlMs > 366 * 24 * 60 * 60 * 1000) {
    throw new SwitchyardError('INVALID_INPUT', `${path}: expected a positive integer of milliseconds; got ${JSON.stringify(ttlMs)}`, { path, expected: 'a positive integer', got: ttlMs });
  }
  return ttlMs;
}

/** Throws INVALID_INPUT unless `owner` is a non-empty string. */
export function assertOwner(owner: unknown, path = 'owner'): string {
  if (typeof owner !== 'string' || owner.length === 0) {
    throw new SwitchyardError('INVALID_INPUT', `${path}: expected a non-empty owner id; got ${JSON.stringify(owner)}`, { path, expected: 'a non-empty string', got: owner });
  }
  return owner;
}

/** The slot as one canonical ISO string (`2026-01-01T02:00:00.000Z`), so equal instants are the same slot. */
export function normaliseSlot(slot: unknown): { readonly iso: string; readonly ms: number } {
  const ms = typeof slot === 'string' ? Date.parse(slot) : Number.NaN;
  if (!Number.isFinite(ms)) throw new SwitchyardError('INVALID_INPUT', `slot: expected an ISO date-time; got ${JSON.stringify(slot)}`, { path: 'slot', expected: 'an ISO date-time', got: slot });
  return { iso: new Date(ms).toISOString(), ms };
}

/** Throws INVALID_INPUT unless `id` is a non-empty schedule id. */
export function assertScheduleId(id: unknown): string {
  if (typeof id !== 'string' || id.length === 0) {
    throw new SwitchyardError('INVALID_INPUT', `scheduleId: expected a non-empty schedule id; got ${JSON.stringify(id)}`, { path: 'scheduleId', expected: 'a non-empty string', got: id });
  }
  return id;
}
