import { RUN_STATUSES, listRunsShown, shownRun } from '../pipeline/run-status.js';
import type { RunStatus } from '../events/types.js';
import type { RunRecord, RunStore } from '../store/types.js';
import { problems } from './problems.js';

/** What the API answers about runs, read from the run store (the one truth every process shares). */

export interface RunSummary {
  readonly runId: string;
  readonly pipeline: string;
  readonly status: RunStatus;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly error?: RunRecord['error'];
  readonly links: { readonly self: string; readonly events: string };
}

/** The summary of a run as shown (`shownRun`: interrupted rather than running once its lease expired). */
export function runSummary(shown: RunRecord): RunSummary {
  return {
    runId: shown.runId,
    pipeline: shown.pipelineName,
    status: shown.status,
    createdAt: shown.createdAt,
    updatedAt: shown.updatedAt,
    ...(shown.error ? { error: shown.error } : {}),
    links: { self: `/api/runs/${encodeURIComponent(shown.runId)}`, events: `/api/runs/${encodeURIComponent(shown.runId)}/events` },
  };
}

/** The stored run, or a 404 problem. */
export async function storedRun(store: RunStore, runId: string): Promise<RunRecord> {
  const run = await store.getRun(runId);
  if (!run) throw problems.notFound(`no run ${JSON.stringify(runId)}`);
  return run;
}

/** One run in full: summary, input, output, stages, history, approvals and the ones pending. */
export async function runDetail(store: RunStore, runId: string): Promise<Record<string, unknown>> {
  const run = await storedRun(store, runId);
  const [stages, history, approvals] = await Promise.all([store.listStages(runId), store.listHistory(runId), store.listApprovals(runId)]);
  const pending = run.status === 'waiting' ? approvals.filter((a) => a.decision === undefined) : [];
  return {
    ...runSummary(await shownRun(store, run)),
    ...(run.pipelineFile ? { source: 'registered' } : { source: 'inline' }),
    input: run.input ?? null,
    output: run.output ?? null,
    data: run.data ?? {},
    stages: stages.map(({ runId: _r, ...stage }) => stage),
    history,
    approvals: approvals.map(({ runId: _r, ...approval }) => approval),
    // A stage waiting on several approvals at once lists each one still open.
    pendingApprovals: pending.flatMap((a) =>
      (a.approvals?.filter((item) => item.decision === undefined) ?? [a.approval]).map((item) => ({
        stageId: a.stageId,
        point: item.point,
        ...(item.approvalId !== undefined ? { approvalId: item.approvalId } : {}),
        message: item.message,
        payload: item.payload ?? null,
        createdAt: a.createdAt,
      })),
    ),
  };
}

export interface ListQuery {
  readonly status?: string;
  readonly pipeline?: string;
  readonly limit?: number;
  readonly cursor?: string;
}

/** The widest window read from the store for one page (the store lists newest first, by status at most). */
const MAX_WINDOW = 10_000;

/**
 * A page of runs, newest first, filtered by shown status and pipeline name. `cursor` continues after the last run of
 * the previous page (it names that run, so runs created meanwhile do not shift the pages).
 */
export async function listRuns(store: RunStore, query: ListQuery): Promise<{ runs: RunSummary[]; nextCursor: string | null }> {
  const limit = query.limit ?? 20;
  const status = query.status as RunStatus | undefined;
  if (status !== undefined && !(RUN_STATUSES as readonly string[]).includes(status)) {
    throw problems.invalid('status', `status: expected one of ${RUN_STATUSES.join(', ')}; got ${JSON.stringify(status)}`, { got: status });
  }
  const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
  let window = Math.min(MAX_WINDOW, Math.max(100, (limit + 1) * 4));
  for (;;) {
    const runs = await listRunsShown(store, { limit: window, ...(status ? { status } : {}) });
    let start = 0;
    if (after) {
      const index = runs.findIndex((run) => run.runId === after.runId);
      start = index >= 0 ? index + 1 : runs.findIndex((run) => run.createdAt < after.createdAt);
      if (start < 0) start = runs.length;
      if (index < 0 && runs.length === window && window < MAX_WINDOW) {
        window = Math.min(MAX_WINDOW, window * 4);
        continue;
      }
    }
    const matching = runs.slice(start).filter((run) => query.pipeline === undefined || run.pipelineName === query.pipeline);
    if (matching.length <= limit && runs.length === window && window < MAX_WINDOW) {
      window = Math.min(MAX_WINDOW, window * 4);
      continue;
    }
    const page = matching.slice(0, limit);
    const last = page[page.length - 1];
    return { runs: page.map(runSummary), nextCursor: matching.length > limit && last ? encodeCursor(last) : null };
  }
}

function encodeCursor(run: RunRecord): string {
  return Buffer.from(JSON.stringify({ r: run.runId, c: run.createdAt })).toString('base64url');
}

function decodeCursor(cursor: string): { runId: string; createdAt: string } {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { r?: unknown; c?: unknown };
    if (typeof parsed.r === 'string' && typeof parsed.c === 'string') return { runId: parsed.r, createdAt: parsed.c };
  } catch {
    // fall through
  }
  throw problems.invalid('cursor', 'cursor: expected the nextCursor of a previous page', { got: cursor });
}
