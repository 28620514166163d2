export { SelectorCore } from './core.js';
export { OrchestratorSelector } from './selector.js';
export type { OrchestratorSelectorOptions, RegisterOptions } from './selector.js';
export { DecisionTree, CAPABILITY_PRECEDENCE, normalizeTaskType } from './rules.js';
export type { SelectInput, SelectDecision, SelectRule } from './rules.js';
export { Recommender } from './recommender.js';
export type { Recommendation, RecommendReason, RankedAlternative, PlanStage } from './recommender.js';
export { buildGuide } from './guide.js';
export {
  defaultSelector,
  resetDefaultSelector,
  selectOrchestrator,
  recommendOrchestrator,
  getOrchestratorGuide,
  getProfile,
  listAllProfiles,
  registerOrchestrator,
  loadOrchestratorProfiles,
} from './api.js';
export type { SelectFlags } from './api.js';
