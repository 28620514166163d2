import { SwitchyardError } from '../errors.js';

export interface AutoDecision {
  readonly type: string;
  readonly reasons: readonly string[];
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
  if (hints.taskType !== undefined) {
    const decision = selector.selectOrchestrator({
      taskType: hints.taskType,
      requiresState: hints.requires?.state ?? false,
      requiresRouting: hints.requires?.routing ?? false,
      requiresScheduling: hints.requires?.scheduling ?? false,
    });
    return { type: decision.type, reasons: [`selector: taskType=${hints.taskType}`, ...decision.rulePath] };
  }
  const rec = selector.recommendOrchestrator(hints.description!);
  const confidence = ` (confidence ${rec.confidence.toFixed(2)})`;
  const reasons = rec.reasons.map((r) => `${r.label}: matched "${r.match}" (${r.type}, weight ${r.weight})`);
  return { type: rec.type, reasons: [`recommender: ${JSON.stringify(hints.description)}${confidence}`, ...reasons] };
}
