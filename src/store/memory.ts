import type { HistoryEntry } from '../adapter.js';
import { SwitchyardError } from '../errors.js';
import type { RunEvent } from '../events/types.js';
import { SLOT_RETENTION_MS, assertOwner, assertScheduleId, assertTtl, normaliseSlot } from './leases.js';
import type { AcquireLeaseOptions, ApprovalRecord, LeaseAcquisition, ListRunsOptions, RunCommit, RunLease, RunRecord, RunStore, ScheduleRecord, StageRecord, StepResultRecord } from './types.js';

interface RunEntry {
  /** A private copy (JSON round trip): never shared with callers. */
  run: RunRecord;
  order: number;
  stages: Map<string, string>;
  history: string[];
  /** Events are frozen by the hub's event bus and never change, so they are kept as given and copied on read. */
  events: Map<number, RunEvent>;
  approvals: Map<string, string>;
  /** Step results by stage id, then key (JSON text of the record). */
  steps: Map<string, Map<string, string>>;
  lease?: { owner: string; expiresAt: number };
  /** The last lease's fencing token (0 before the first). */
  leaseToken: number;
}

const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;
const parse = <T>(json: string | undefined): T | undefined => (json === undefined ? undefined : (JSON.parse(json) as T));

/**
 * The reference run store: everything in memory, lost when the process ends.
 * For tests, benchmarks and throwaway runs; every store passes the same conformance suite.
 * Records are kept as JSON text, like the SQLite store keeps them: callers cannot change what is stored
 * by mutating what they passed or got, and values round-trip exactly as they would through SQLite.
 */
export class MemoryRunStore implements RunStore {
  readonly #runs = new Map<string, RunEntry>();
  readonly #schedules = new Map<string, string>();
  /** Claimed schedule slots: schedule id to (slot ISO to slot time in ms). */
  readonly #slots = new Map<string, Map<string, number>>();
  #order = 0;

  async createRun(run: RunRecord): Promise<void> {
    if (this.#runs.has(run.runId)) throw new SwitchyardError('CONFLICT', `run ${run.runId} already exists`, { details: { runId: run.runId } });
    this.#runs.set(run.runId, { run: clone(run), order: this.#order++, stages: new Map(), history: [], events: new Map(), approvals: new Map(), steps: new Map(), leaseToken: 0 });
  }

  async updateRun(runId: string, patch: Partial<Omit<RunRecord, 'runId'>>): Promise<void> {
    const entry = this.#entry(runId);
    // only the patch is copied: the pipeline document in the record can be large and never changes
    entry.run = { ...entry.run, ...clone(patch), runId, updatedAt: patch.updatedAt ?? new Date().toISOString() };
  }

  async getRun(runId: string): Promise<RunRecord | undefined> {
    const entry = this.#runs.get(runId);
    return entry ? clone(entry.run) : undefined;
  }

  async listRuns(options: ListRunsOptions = {}): Promise<RunRecord[]> {
    const entries = [...this.#runs.values()]
      .filter((e) => options.status === undefined || e.run.status === options.status)
      .sort((a, b) => (a.run.createdAt === b.run.createdAt ? b.order - a.order : a.run.createdAt < b.run.createdAt ? 1 : -1));
    return entries.slice(0, options.limit ?? 50).map((e) => clone(e.run));
  }

  async saveStage(stage: StageRecord): Promise<void> {
    this.#entry(stage.runId).stages.set(stage.stageId, JSON.stringify(stage));
  }

  async listStages(runId: string): Promise<StageRecord[]> {
    return [...(this.#runs.get(runId)?.stages.values() ?? [])].map((json) => JSON.parse(json) as StageRecord);
  }

  async appendHistory(runId: string, entry: HistoryEntry): Promise<void> {
    this.#entry(runId).history.push(JSON.stringify(entry));
  }

  async listHistory(runId: string): Promise<HistoryEntry[]> {
    return (this.#runs.get(runId)?.history ?? []).map((json) => JSON.parse(json) as HistoryEntry);
  }

  async appendEvent(event: RunEvent): Promise<void> {
    this.#entry(event.runId).events.set(event.seq, Object.isFrozen(event) ? event : clone(event));
  }

  async appendEvents(events: readonly RunEvent[]): Promise<void> {
    // all or nothing, as in a transaction: every run must exist before any event is kept
    for (const event of events) this.#entry(event.runId);
    for (const event of events) this.#runs.get(event.runId)!.events.set(event.seq, Object.isFrozen(event) ? event : clone(event));
  }

  async listEvents(runId: string): Promise<RunEvent[]> {
    return [...(this.#runs.get(runId)?.events.values() ?? [])].map(clone).sort((a, b) => a.seq - b.seq);
  }

  async saveApproval(approval: ApprovalRecord): Promise<void> {
    this.#entry(approval.runId).approvals.set(approval.stageId, JSON.stringify(approval));
  }

  /**
   * A durable point, all or nothing as in a transaction: every run it names must exist before anything is kept.
   * The writes go through this store's own methods, made at once in `RunCommit`'s order.
   */
  async commit(commit: RunCommit): Promise<void> {
    this.#entry(commit.runId);
    // records of other runs (unusual) must exist too
    for (const event of commit.events ?? []) if (event.runId !== commit.runId) this.#entry(event.runId);
    if (commit.approval && commit.approval.runId !== commit.runId) this.#entry(commit.approval.runId);
    if (commit.stage && commit.stage.runId !== commit.runId) this.#entry(commit.stage.runId);
    const writes: Promise<void>[] = [];
    if (commit.stage) writes.push(this.saveStage(commit.stage));
    for (const entry of commit.history ?? []) writes.push(this.appendHistory(commit.runId, entry));
    if (commit.approval) writes.push(this.saveApproval(commit.approval));
    if (commit.events?.length) writes.push(this.appendEvents(commit.events));
    if (commit.run) writes.push(this.updateRun(commit.runId, commit.run));
    await Promise.all(writes);
  }

  async listApprovals(runId: string): Promise<ApprovalRecord[]> {
    return [...(this.#runs.get(runId)?.approvals.values() ?? [])].map((json) => JSON.parse(json) as ApprovalRecord);
  }

  async saveStepResult(runId: string, stageId: string, key: string, value: unknown): Promise<void> {
    const entry = this.#entry(runId);
    let steps = entry.steps.get(stageId);
    if (!steps) entry.steps.set(stageId, (steps = new Map()));
    const record: StepResultRecord = { key, value, savedAt: new Date().toISOString() };
    steps.set(key, JSON.stringify(record));
  }

  async listStepResults(runId: string, stageId: string): Promise<StepResultRecord[]> {
    return [...(this.#runs.get(runId)?.steps.get(stageId)?.values() ?? [])].map((json) => JSON.parse(json) as StepResultRecord);
  }

  async saveSchedule(schedule: ScheduleRecord): Promise<void> {
    this.#schedules.set(schedule.id, JSON.stringify(schedule));
  }

  async getSchedule(id: string): Promise<ScheduleRecord | undefined> {
    return parse<ScheduleRecord>(this.#schedules.get(id));
  }

  async listSchedules(): Promise<ScheduleRecord[]> {
    return [...this.#schedules.values()]
      .map((json) => JSON.parse(json) as ScheduleRecord)
      .sort((a, b) => (a.createdAt === b.createdAt ? (a.id < b.id ? -1 : 1) : a.createdAt < b.createdAt ? -1 : 1));
  }

  async removeSchedule(id: string): Promise<boolean> {
    return this.#schedules.delete(id);
  }

  async acquireLease(runId: string, options: AcquireLeaseOptions): Promise<LeaseAcquisition> {
    const owner = assertOwner(options.owner);
    const ttlMs = assertTtl(options.ttlMs);
    const entry = this.#entry(runId);
    const now = Date.now();
    const { lease } = entry;
    if (lease && lease.owner !== owner && lease.expiresAt > now) {
      return { acquired: false, reason: 'held', holder: lease.owner, expiresAt: new Date(lease.expiresAt).toISOString(), status: entry.run.status };
    }
    if (options.expect && !options.expect.includes(entry.run.status)) return { acquired: false, reason: 'status', status: entry.run.status };
    if (lease?.owner !== owner) entry.leaseToken += 1;
    entry.lease = { owner, expiresAt: now + ttlMs };
    return { acquired: true, lease: this.#leaseOf(runId, entry)! };
  }

  async renewLease(lease: Pick<RunLease, 'runId' | 'owner' | 'token'>, ttlMs: number): Promise<RunLease | undefined> {
    assertTtl(ttlMs);
    const entry = this.#runs.get(lease.runId);
    if (!entry?.lease || entry.lease.owner !== lease.owner || entry.leaseToken !== lease.token) return undefined;
    entry.lease = { owner: lease.owner, expiresAt: Date.now() + ttlMs };
    return this.#leaseOf(lease.runId, entry);
  }

  async releaseLease(lease: Pick<RunLease, 'runId' | 'owner' | 'token'>): Promise<boolean> {
    const entry = this.#runs.get(lease.runId);
    if (!entry?.lease || entry.lease.owner !== lease.owner || entry.leaseToken !== lease.token) return false;
    delete entry.lease;
    return true;
  }

  async getLease(runId: string): Promise<RunLease | undefined> {
    const entry = this.#runs.get(runId);
    return entry?.lease && entry.lease.expiresAt > Date.now() ? this.#leaseOf(runId, entry) : undefined;
  }

  async claimScheduleSlot(scheduleId: string, slot: string, owner: string): Promise<boolean> {
    assertScheduleId(scheduleId);
    assertOwner(owner);
    const { iso, ms } = normaliseSlot(slot);
    let slots = this.#slots.get(scheduleId);
    if (!slots) this.#slots.set(scheduleId, (slots = new Map()));
    if (slots.has(iso)) return false;
    slots.set(iso, ms);
    for (const [old, oldMs] of slots) if (oldMs < ms - SLOT_RETENTION_MS) slots.delete(old);
    return true;
  }

  async close(): Promise<void> {}

  #leaseOf(runId: string, entry: RunEntry): RunLease | undefined {
    return entry.lease && { runId, owner: entry.lease.owner, expiresAt: new Date(entry.lease.expiresAt).toISOString(), token: entry.leaseToken };
  }

  #entry(runId: string): RunEntry {
    const entry = this.#runs.get(runId);
    if (!entry) throw new SwitchyardError('NOT_FOUND', `no run ${runId}`, { details: { runId } });
    return entry;
  }
}
