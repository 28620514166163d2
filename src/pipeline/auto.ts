import type { z } from 'zod';
import type { OrchestratorAdapter } from '../adapter.js';
import { SwitchyardError } from '../errors.js';
import type { AdapterRegistry } from '../registry.js';

export interface AutoDecision {
  readonly type: string;
  readonly reasons: readonly string[];
  /** The engines considered, best first: the selector's or recommender's pick, then its alternatives. */
  readonly candidates: readonly string[];
}

export interface AutoStageHints {
  readonly taskType?: string;
  readonly description?: string;
  readonly requires?: { readonly state?: boolean; readonly routing?: boolean; readonly scheduling?: boolean };
}

/** Chooses the engine for an `auto` stage: the decision tree when `taskType` is given, else the recommender on `description`. */
export async function decideEngine(hints: AutoStageHints, path: string): Promise<AutoDecision> {
  if (hints.taskType === undefined && hints.description === undefined) {
    throw new SwitchyardError('INVALID_PIPELINE', `${path}: expected \`taskType\` or \`description\` on an auto stage so the selector can choose an engine`, {
      path,
      expected: 'taskType or description',
    });
  }
  // Imported on demand: pipelines without `auto` stages never load the selector and its profiles.
  const selector = await import('../selector/index.js');
  // The recommender's ranking orders the engines after the pick (and breaks ties among the alternatives).
  const ranking = (text: string) => {
    const rec = selector.recommendOrchestrator(text);
    return [rec.type, ...rec.alternatives.map((a) => a.type)];
  };
  if (hints.taskType !== undefined) {
    const decision = selector.selectOrchestrator({
      taskType: hints.taskType,
      requiresState: hints.requires?.state ?? false,
      requiresRouting: hints.requires?.routing ?? false,
      requiresScheduling: hints.requires?.scheduling ?? false,
    });
    const order = ranking(hints.description ?? hints.taskType.replace(/[_-]+/g, ' '));
    return { type: decision.type, reasons: [`selector: taskType=${hints.taskType}`, ...decision.rulePath], candidates: unique([decision.type, ...order]) };
  }
  const rec = selector.recommendOrchestrator(hints.description!);
  const confidence = ` (confidence ${rec.confidence.toFixed(2)})`;
  const reasons = rec.reasons.map((r) => `${r.label}: matched "${r.match}" (${r.type}, weight ${r.weight})`);
  return { type: rec.type, reasons: [`recommender: ${JSON.stringify(hints.description)}${confidence}`, ...reasons], candidates: unique([rec.type, ...rec.alternatives.map((a) => a.type)]) };
}

export interface AutoChoice<Task = unknown> {
  readonly type: string;
  readonly adapter: OrchestratorAdapter;
  readonly task: Task;
  readonly decision: AutoDecision;
}

/** Why one candidate engine could not take the task: its schema's first complaint, already phrased for users. */
export type DescribeRejection = (adapter: OrchestratorAdapter, issues: readonly z.core.$ZodIssue[]) => string;

/**
 * An `auto` stage's engine: the first candidate (the selector's pick, then the recommender's order) that is registered and
 * whose task schema accepts the task. The decision records the pick and, when the first choice was passed over, why.
 * When no engine accepts the task, one error names the pick, the alternatives and what each one said.
 */
export async function chooseAutoEngine(hints: AutoStageHints, rawTask: unknown, path: string, registry: AdapterRegistry, describe: DescribeRejection): Promise<AutoChoice> {
  const decision = await decideEngine(hints, path);
  const rejected: string[] = [];
  for (const type of decision.candidates) {
    if (!registry.has(type)) continue;
    const adapter = await registry.get(type);
    const parsed = adapter.taskSchema.safeParse(rawTask, { reportInput: true });
    if (parsed.success) {
      const passedOver = rejected.length > 0 ? [`passed over ${rejected.join('; ')}`] : [];
      return { type, adapter, task: parsed.data, decision: { ...decision, type, reasons: [...decision.reasons, ...passedOver, `chose ${type}: its task schema accepts the task`] } };
    }
    rejected.push(`${type} (${describe(adapter, parsed.error.issues)})`);
  }
  const [pick, ...alternatives] = decision.candidates;
  const tried = rejected.length ? `; ${rejected.join('; ')}` : '';
  throw new SwitchyardError('INVALID_PIPELINE', `${path}.task: expected a task one of the candidate engines accepts; the selector picked ${pick}${alternatives.length ? ` (alternatives: ${alternatives.join(', ')})` : ''} and none accepted it${tried}`, {
    path: `${path}.task`,
    expected: `a task for ${decision.candidates.join(' or ')}`,
    details: { picked: pick, alternatives, rejected },
  });
}

function unique(types: readonly string[]): string[] {
  return [...new Set(types)];
}
