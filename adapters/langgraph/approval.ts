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

/** What the state keeps of one decision: point, approved, by, reason. */
export interface ApprovalEntry {
  readonly point: string;
  readonly approved: boolean;
  readonly by?: string;
  readonly reason?: string;
}

/**
 * The resume value of one of several approval nodes that interrupted in the same step: its own decision, plus
 * `all`, every decision of that step by point, so each node can write them all (their updates merge key by key, and
 * the last would otherwise win).
 */
export interface JointDecision extends ApprovalDecision {
  readonly all: Readonly<Record<string, ApprovalEntry>>;
}

/**
 * The state update a decision makes: the approver's `data` merged in, `approved` set, and an
 * `approval` record (point, by, reason) for the audit trail. Routes read `approved`, and a node's own route sees its
 * own decision. A decision made together with others (parallel approval nodes, `JointDecision`) also writes
 * `approvals`, every decision by point, merged with the ones `state` already holds.
 */
export function decisionUpdate(point: string, decision: unknown, state?: Record<string, unknown>): Record<string, unknown> {
  const value = normalizeDecision(decision);
  const all = typeof decision === 'object' && decision !== null ? (decision as Partial<JointDecision>).all : undefined;
  const earlier = state?.approvals;
  return {
    ...(value.data ?? {}),
    approved: value.approved,
    approval: approvalEntry(point, value),
    ...(all ? { approvals: { ...(typeof earlier === 'object' && earlier !== null && !Array.isArray(earlier) ? earlier : {}), ...all } } : {}),
  };
}

export function approvalEntry(point: string, decision: ApprovalDecision): ApprovalEntry {
  return {
    point,
    approved: decision.approved,
    ...(decision.by === undefined ? {} : { by: decision.by }),
    ...(decision.reason === undefined ? {} : { reason: decision.reason }),
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
