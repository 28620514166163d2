import type { RunStatus } from '../events/types.js';
import type { ListRunsOptions, RunLease, RunRecord, RunStore } from '../store/types.js';

/** Every status a run can have; `interrupted` is a `running` run whose process has died (its lease expired). */
export const RUN_STATUSES = ['running', 'completed', 'failed', 'partial', 'cancelled', 'waiting', 'interrupted'] as const satisfies readonly RunStatus[];

/** True while a process with this pid exists (on this machine). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * A stored `running` run whose process is gone (killed, crashed, the machine restarted). A run recorded with a
 * lease owner (every run since leases) is alive exactly while its lease is held, on any machine sharing the
 * store: pass the run's current lease (`store.getLease`), undefined when none is held. A record without an owner
 * (written before leases) falls back to the pid check, which only works on the host that ran it.
 */
export function isInterrupted(run: Pick<RunRecord, 'status' | 'pid' | 'owner'>, lease?: Pick<RunLease, 'owner'>): boolean {
  if (run.status !== 'running') return false;
  if (run.owner !== undefined) return lease === undefined;
  return run.pid !== undefined && run.pid !== process.pid && !isProcessAlive(run.pid);
}

/** The run as people should see it: `interrupted` rather than `running` when its process died (lease expired). */
export async function shownRun(store: Pick<RunStore, 'getLease'>, run: RunRecord): Promise<RunRecord> {
  if (run.status !== 'running') return run;
  const lease = run.owner !== undefined ? await store.getLease(run.runId) : undefined;
  return isInterrupted(run, lease) ? { ...run, status: 'interrupted' } : run;
}

/** `listRuns` with each run's shown status; `running` and `interrupted` filter on it. */
export async function listRunsShown(store: RunStore, options: ListRunsOptions = {}): Promise<RunRecord[]> {
  const limit = options.limit ?? 50;
  if (options.status !== 'running' && options.status !== 'interrupted') return Promise.all((await store.listRuns(options)).map((run) => shownRun(store, run)));
  const running = await Promise.all((await store.listRuns({ status: 'running', limit: Math.max(limit, 1000) })).map((run) => shownRun(store, run)));
  const stored = options.status === 'interrupted' ? await store.listRuns({ status: 'interrupted', limit }) : [];
  return [...running.filter((r) => r.status === options.status), ...stored]
    .sort((a, b) => (a.createdAt === b.createdAt ? 0 : a.createdAt < b.createdAt ? 1 : -1))
    .slice(0, limit);
}
