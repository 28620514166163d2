import type { RunRecord } from '../../store/types.js';

const at = (minute: number) => `2026-01-01T00:${String(minute).padStart(2, '0')}:00.000Z`;

/** A plausible run record for store tests: a one-stage pipeline, running, created at a fixed time. */
export function runRecord(runId: string, extra: Partial<RunRecord> = {}): RunRecord {
  return {
    runId,
    pipelineName: 'p',
    pipeline: { name: 'p', stages: [{ type: 'agno', task: { agents: ['a'] } }] },
    input: { q: 1 },
    status: 'running',
    createdAt: at(0),
    updatedAt: at(0),
    ...extra,
  };
}
