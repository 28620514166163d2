import type { OrchestratorProfile, ProfileInput } from '../profiles/schema.js';
import type { Recommendation } from './recommender.js';
import type { SelectDecision, SelectInput } from './rules.js';
import { OrchestratorSelector, type RegisterOptions } from './selector.js';

let shared: OrchestratorSelector | undefined;

/** The process-wide selector behind the convenience functions (built-ins plus anything registered). */
export function defaultSelector(): OrchestratorSelector {
  return (shared ??= new OrchestratorSelector());
}

/** Forget registered custom orchestrators (tests). */
export function resetDefaultSelector(): void {
  shared = undefined;
}

/** Seed 002's flags (`select_orchestrator` in ../compat.ts also takes them in snake_case). */
export interface SelectFlags {
  readonly requiresState?: boolean;
  readonly requiresRouting?: boolean;
  readonly requiresScheduling?: boolean;
}

/**
 * Seed 002's `select_orchestrator`: `selectOrchestrator({ taskType: 'rag_workflow' })` or
 * `selectOrchestrator('batch_job', { requiresScheduling: true })`. Returns `{ type, rule, rulePath }`.
 */
export function selectOrchestrator(input: SelectInput | string, flags: SelectFlags = {}): SelectDecision {
  return defaultSelector().select(typeof input === 'string' ? { taskType: input, ...flags } : input);
}

/** Seed 002's `recommend_orchestrator`: `{ type, profile, confidence, reasons, alternatives, plan? }`. */
export function recommendOrchestrator(description: string): Recommendation {
  return defaultSelector().recommend(description);
}

/** Seed 002's `get_orchestrator_guide`: the quick reference, task -> orchestrator type. */
export function getOrchestratorGuide(): Record<string, string> {
  return defaultSelector().guide();
}

export function getProfile(type: string): OrchestratorProfile {
  return defaultSelector().getProfile(type);
}

export function listAllProfiles(): Record<string, OrchestratorProfile> {
  return defaultSelector().listAllProfiles();
}

/** Registers a custom orchestrator type with its profile in the process-wide selector. */
export function registerOrchestrator(profile: ProfileInput | OrchestratorProfile, options: RegisterOptions = {}): OrchestratorProfile {
  return defaultSelector().register(profile, options);
}

/** Registers every profile file in a directory in the process-wide selector. */
export function loadOrchestratorProfiles(dir: string): Promise<OrchestratorProfile[]> {
  return defaultSelector().loadProfiles(dir);
}
