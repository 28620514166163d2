import type { PipelineResult } from '../../pipeline/result.js';
import type { StartedRun } from '../launcher.js';

/** The summary line of a run tool's answer. */
export function describeOutcome(outcome: PipelineResult | StartedRun): string {
  if (!('stages' in outcome)) return `run ${outcome.runId} started (running): follow it with get_run`;
  const parts = [`run ${outcome.runId} (${outcome.pipeline}): ${outcome.status} in ${Math.round(outcome.durationMs)} ms`];
  if (outcome.error) parts.push(`error: ${outcome.error.code}: ${outcome.error.message}`);
  const pending = outcome.pendingApproval;
  if (pending) parts.push(`waiting for approval at ${pending.stageId} (${pending.point}): ${pending.message}; continue it with approve_run or reject_run`);
  return parts.join('; ');
}
