import type { ApprovalDecision } from '../adapter.js';
import { SwitchyardError } from '../errors.js';
import type { ApprovalItem, ApprovalRecord, RunRecord, RunStore } from '../store/types.js';
import type { StageApproval } from './context.js';
import type { PendingApproval, PipelineResult } from './result.js';

/** Which approval of a waiting stage a decision is for, when the stage waits on several at once. */
export interface ApprovalTarget {
  /** The approval's id (`pendingApprovals[i].approvalId`, the LangGraph interrupt id). */
  readonly approvalId?: string;
  /** Or its point (the approval node's name). */
  readonly point?: string;
}

/**
 * The stage's approval record with `decision` given to the approval `target` names. A stage waiting on one approval
 * is decided at once (`target`, when given, must name it). A stage waiting on several gets the decision on one of
 * them: the one named, or the only one still open; the record's own `decision` (their summary) is set when the last
 * is decided, and only then does the run resume.
 */
export function decideApproval(record: ApprovalRecord, decision: ApprovalDecision, target: ApprovalTarget, now = new Date().toISOString()): ApprovalRecord {
  const items = record.approvals;
  if (!items || items.length <= 1) {
    const only = items?.[0] ?? record.approval;
    if (target.approvalId !== undefined && target.approvalId !== only.approvalId) throw unknownApproval('--approval', [only], target.approvalId, record.stageId);
    if (target.point !== undefined && target.point !== only.point) throw unknownApproval('--point', [only], target.point, record.stageId);
    return { ...record, decision, decidedAt: now };
  }
  const item = chooseItem(record, items, target);
  const decided = items.map((i) => (i === item ? { ...i, decision, decidedAt: now } : i));
  const done = decided.every((i) => i.decision !== undefined);
  return { ...record, approvals: decided, ...(done ? { decision: summary(decided), decidedAt: now } : {}) };
}

function chooseItem(record: ApprovalRecord, items: readonly ApprovalItem[], target: ApprovalTarget): ApprovalItem {
  const open = items.filter((i) => i.decision === undefined);
  if (target.approvalId !== undefined) {
    const item = open.find((i) => i.approvalId === target.approvalId);
    if (!item) throw unknownApproval('--approval', open, target.approvalId, record.stageId, items.find((i) => i.approvalId === target.approvalId));
    return item;
  }
  if (target.point !== undefined) {
    const matches = open.filter((i) => i.point === target.point);
    if (matches.length === 1) return matches[0]!;
    if (matches.length === 0) throw unknownApproval('--point', open, target.point, record.stageId, items.find((i) => i.point === target.point));
    throw new SwitchyardError('INVALID_INPUT', `--point: ${matches.length} approvals at ${record.stageId} are named ${JSON.stringify(target.point)}; name one with --approval (${matches.map((i) => i.approvalId).join(', ')})`, {
      path: 'approvalId',
    });
  }
  if (open.length === 1) return open[0]!;
  throw new SwitchyardError('INVALID_INPUT', `--point: expected one of ${open.map((i) => i.point).join(', ')}; ${open.length} approvals wait at stage ${record.stageId}, name one (or its id with --approval)`, {
    path: 'point',
    expected: `one of ${open.map((i) => i.point).join(', ')}`,
  });
}

function unknownApproval(flag: '--approval' | '--point', open: readonly ApprovalItem[], got: string, stageId: string, decided?: ApprovalItem): SwitchyardError {
  const key = flag === '--approval' ? 'approvalId' : 'point';
  const known = open.map((i) => i[key]).filter((v): v is string => v !== undefined);
  const already = decided?.decision ? ` (already ${decided.decision.approved ? 'approved' : 'rejected'})` : '';
  return new SwitchyardError('INVALID_INPUT', `${flag}: expected ${known.length ? `one of ${known.join(', ')}` : 'no value (the approval has none)'} at stage ${stageId}; got ${JSON.stringify(got)}${already}`, {
    path: key,
    got,
  });
}

/** Several decisions as one: approved when every one was; the rejections' reasons, and who decided when one person did. */
function summary(items: readonly ApprovalItem[]): ApprovalDecision {
  const decisions = items.map((i) => i.decision!);
  const approved = decisions.every((d) => d.approved);
  const reasons = decisions.filter((d) => !d.approved && d.reason !== undefined).map((d) => d.reason!);
  const by = [...new Set(decisions.map((d) => d.by))];
  return { approved, ...(reasons.length ? { reason: reasons.join('; ') } : {}), ...(by.length === 1 && by[0] !== undefined ? { by: by[0] } : {}) };
}

/** What the waiting stage resumes with: the record's decision, and for several approvals each one by its id. */
export function stageApproval(record: ApprovalRecord): StageApproval {
  const decision = record.decision!;
  const items = record.approvals;
  if (!items || items.length <= 1) return decision;
  return { ...decision, approvals: Object.fromEntries(items.map((i) => [i.approvalId!, i.decision!])) };
}

/** The approvals of `record` still undecided, as a result lists them. */
export function openApprovals(record: ApprovalRecord): PendingApproval[] {
  if (!record.approvals) return record.decision === undefined ? [pendingOf(record.stageId, record.approval)] : [];
  return record.approvals.filter((i) => i.decision === undefined).map((i) => pendingOf(record.stageId, i));
}

function pendingOf(stageId: string, item: ApprovalItem): PendingApproval {
  const { decision: _decision, decidedAt: _decidedAt, ...info } = item;
  return { stageId, ...info };
}

/**
 * The run as it stands after a decision that left other approvals of the stage open: still `waiting`, nothing run,
 * the stored stages, history, output and data, and the approvals still open.
 */
export async function waitingResult(store: RunStore, run: RunRecord, record: ApprovalRecord): Promise<PipelineResult> {
  const [stages, history] = await Promise.all([store.listStages(run.runId), store.listHistory(run.runId)]);
  const open = openApprovals(record);
  const now = new Date().toISOString();
  return {
    runId: run.runId,
    pipeline: run.pipelineName,
    status: 'waiting',
    stages: stages.map((s) => ({
      id: s.stageId,
      type: s.engine,
      status: s.status,
      attempts: s.attempts,
      ...(s.output === undefined ? {} : { output: s.output }),
      ...(s.error ? { error: s.error } : {}),
      ...(s.startedAt ? { startedAt: s.startedAt } : {}),
      ...(s.endedAt ? { endedAt: s.endedAt } : {}),
      ...(s.durationMs === undefined ? {} : { durationMs: s.durationMs }),
    })),
    output: run.output,
    history,
    data: run.data ?? {},
    startedAt: now,
    endedAt: now,
    durationMs: 0,
    ...(open[0] ? { pendingApproval: open[0] } : {}),
    ...(open.length > 1 ? { pendingApprovals: open } : {}),
  };
}
