import type { RunStatus } from '../events/types.js';
import type { ListRunsOptions, RunRecord, RunStore } from '../store/types.js';

/** Every status a run can have; `interrupted` is a `running` run whose process has died. */
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

/** A stored `running` run whose process is gone (killed, crashed, the machine restarted). */
export function isInterrupted(run: Pick<RunRecord, 'status' | 'pid'>): boolean {
  return run.status === 'running' && run.pid !== undefined && run.pid !== process.pid && !isProcessAlive(run.pid);
}

/** The run as people should see it: `interrupted` rather than `running` when its process died. */
export function shownRun(run: RunRecord): RunRecord {
  return isInterrupted(run) ? { ...run, status: 'interrupted' } : run;
}

/** `listRuns` with each run's shown status; `running` and `interrupted` filter on it. */
export async function listRunsShown(store: RunStore, options: ListRunsOptions = {}): Promise<RunRecord[]> {
  const limit = options.limit ?? 50;
  if (options.status !== 'running' && options.status !== 'interrupted') return (await store.listRuns(options)).map(shownRun);
  const running = (await store.listRuns({ status: 'running', limit: Math.max(limit, 1000) })).map(shownRun);
  const stored = options.status === 'interrupted' ? await store.listRuns({ status: 'interrupted', limit }) : [];
  return [...running.filter((r) => r.status === options.status), ...stored]
    .sort((a, b) => (a.createdAt === b.createdAt ? 0 : a.createdAt < b.createdAt ? 1 : -1))
    .slice(0, limit);
}
