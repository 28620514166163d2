import type { ClaimOutcome, WorkItem, WorkLogLine, WorkResult, WorkSource, WorkerInfo } from '../../../src/worker/index.js';

type Status = 'SCHEDULED' | 'PENDING' | 'RUNNING' | WorkResult['state'];

interface Entry {
  readonly item: WorkItem;
  status: Status;
  claimedBy?: string;
  cancelled?: string;
  logs: WorkLogLine[];
  result?: WorkResult;
}

/**
 * A queue in memory with the guarantees a real source gives: one winner per claim (checked and set in one
 * step), final states kept. Hooks let a test take a claim away, refuse a start, fail a poll or cancel an item.
 */
export class MemorySource implements WorkSource {
  readonly name = 'memory';
  readonly entries = new Map<string, Entry>();
  /** Every call, in order, as `method:id` (or `method:worker`). */
  readonly calls: string[] = [];
  /** Items whose claim another worker wins first. */
  readonly stolen = new Set<string>();
  /** Items whose start is refused with this reason. */
  readonly refuseStart = new Map<string, string>();
  /** Items whose start waits until this promise settles (or the signal aborts the wait). */
  readonly holdStart = new Map<string, Promise<void>>();
  pollErrors = 0;
  openError: Error | undefined;

  add(...ids: string[]): void {
    for (const id of ids) this.entries.set(id, { item: { id, name: `job-${id}`, label: `job ${id}`, parameters: { id }, runId: `mem-${id}` }, status: 'SCHEDULED', logs: [] });
  }

  status(id: string): Status | undefined {
    return this.entries.get(id)?.status;
  }

  cancel(id: string, reason = `job ${id} cancelled in memory`): void {
    this.entries.get(id)!.cancelled = reason;
  }

  async open(worker: WorkerInfo): Promise<void> {
    this.calls.push(`open:${worker.name}`);
    if (this.openError) throw this.openError;
  }

  async heartbeat(worker: WorkerInfo): Promise<void> {
    this.calls.push(`heartbeat:${worker.name}:${worker.heartbeatIntervalMs}`);
  }

  async poll(limit: number): Promise<readonly WorkItem[]> {
    this.calls.push(`poll:${limit}`);
    if (this.pollErrors > 0) {
      this.pollErrors--;
      throw new Error('queue unreachable');
    }
    return [...this.entries.values()].filter((e) => e.status === 'SCHEDULED').slice(0, limit).map((e) => e.item);
  }

  async claim(item: WorkItem, worker: WorkerInfo): Promise<ClaimOutcome> {
    this.calls.push(`claim:${item.id}`);
    const entry = this.entries.get(item.id)!;
    if (this.stolen.has(item.id)) {
      entry.status = 'PENDING';
      entry.claimedBy = 'someone-else';
    }
    if (entry.status !== 'SCHEDULED') return { ok: false, reason: `already ${entry.status} (${entry.claimedBy})` };
    entry.status = 'PENDING';
    entry.claimedBy = worker.name;
    return { ok: true };
  }

  async start(item: WorkItem, worker: WorkerInfo, signal: AbortSignal): Promise<ClaimOutcome> {
    this.calls.push(`start:${item.id}`);
    const hold = this.holdStart.get(item.id);
    if (hold) {
      await new Promise<void>((resolve, reject) => {
        signal.addEventListener('abort', () => reject(new Error('start wait aborted')), { once: true });
        void hold.then(resolve);
      });
    }
    const refused = this.refuseStart.get(item.id);
    if (refused) return { ok: false, reason: refused };
    const entry = this.entries.get(item.id)!;
    if (entry.claimedBy !== worker.name) return { ok: false, reason: 'not ours' };
    entry.status = 'RUNNING';
    return { ok: true };
  }

  async release(item: WorkItem): Promise<void> {
    this.calls.push(`release:${item.id}`);
    const entry = this.entries.get(item.id)!;
    entry.status = 'SCHEDULED';
    delete entry.claimedBy;
  }

  async checkCancelled(item: WorkItem): Promise<string | undefined> {
    return this.entries.get(item.id)!.cancelled;
  }

  async writeLogs(item: WorkItem, lines: readonly WorkLogLine[]): Promise<void> {
    this.calls.push(`logs:${item.id}`);
    this.entries.get(item.id)!.logs.push(...lines);
  }

  async finish(item: WorkItem, result: WorkResult): Promise<void> {
    this.calls.push(`finish:${item.id}`);
    const entry = this.entries.get(item.id)!;
    entry.status = result.state;
    entry.result = result;
  }
}
