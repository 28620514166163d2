import type { ApprovalDecision } from 'switchyard/adapter-kit';
import type { PendingApprovalInfo } from 'switchyard/adapter-kit';

/** What an approval node hands to LangGraph's `interrupt(...)`; it becomes the stored pending approval. */
export interface ApprovalRequest extends PendingApprovalInfo {
  readonly kind: 'switchyard.approval';
}

/** What the approver is asked when the spec gives no message: `Approval needed at "approve" (stage release)`. */
export function defaultApprovalMessage(node: string, stageId: string): string {
  return `Approval needed at ${JSON.stringify(node)} (stage ${stageId})`;
}

export function approvalRequest(point: string, message: string, payload: unknown): ApprovalRequest {
  return { kind: 'switchyard.approval', point, message, payload };
}

/**
 * The state update a decision makes: the approver's `data` merged in, `approved` set, and an
 * `approval` record (point, by, reason) for the audit trail. Routes read `approved`.
 */
export function decisionUpdate(point: string, decision: unknown): Record<string, unknown> {
  const value = normalizeDecision(decision);
  return {
    ...(value.data ?? {}),
    approved: value.approved,
    approval: {
      point,
      approved: value.approved,
      ...(value.by === undefined ? {} : { by: value.by }),
      ...(value.reason === undefined ? {} : { reason: value.reason }),
    },
  };
}

/** Accepts an ApprovalDecision, a bare boolean, or anything else (treated as approval with that value as data). */
export function normalizeDecision(decision: unknown): ApprovalDecision {
  if (typeof decision === 'boolean') return { approved: decision };
  if (typeof decision === 'object' && decision !== null && typeof (decision as ApprovalDecision).approved === 'boolean') return decision as ApprovalDecision;
  return { approved: true, data: { decision } };
}

/** Turns whatever a graph interrupted with into what the approver sees. */
export function toPendingApproval(value: unknown, node: string | undefined, fallbackMessage: string): PendingApprovalInfo {
  if (typeof value === 'object' && value !== null && (value as ApprovalRequest).kind === 'switchyard.approval') {
    const { point, message, payload } = value as ApprovalRequest;
    return { point, message, payload };
  }
  if (typeof value === 'string') return { point: node ?? 'interrupt', message: value };
  return { point: node ?? 'interrupt', message: fallbackMessage, payload: value };
}
