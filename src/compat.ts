import type { BuiltinOrchestratorType } from './profiles/builtin.js';
import { getOrchestratorGuide, recommendOrchestrator, selectOrchestrator, type SelectFlags } from './selector/api.js';
import type { Recommendation } from './selector/recommender.js';
import type { SelectDecision, SelectInput } from './selector/rules.js';

/**
 * The names seed 002 (the Python API) uses, and the other aliases kept for compatibility: each is another name for
 * one thing on the main surface, which has one name per thing. Re-exported from `switchyard`, so code ported from
 * the seed imports them as before.
 *
 * | alias                                       | the main name                                   |
 * |---------------------------------------------|-------------------------------------------------|
 * | `select_orchestrator` (also snake_case keys) | `selectOrchestrator`                            |
 * | `recommend_orchestrator`                    | `recommendOrchestrator`                         |
 * | `get_orchestrator_guide`                    | `getOrchestratorGuide`                          |
 * | `select`, `recommend`                       | `selectOrchestrator`, `recommendOrchestrator`   |
 * | `OrchestratorType.LANGGRAPH`                | the type string `'langgraph'` (`BUILTIN_TYPES`) |
 * | `hub.execute({ stages })`                   | `hub.run({ name, stages })`                     |
 *
 * `HybridOrchestrator.execute` stays a method of the hub (a method cannot live here); it is documented there as
 * this alias.
 */

/** Seed 002's `OrchestratorType` enum: the built-in type strings, for code ported from it. */
export const OrchestratorType = {
  AGNO: 'agno',
  LANGGRAPH: 'langgraph',
  LLAMAINDEX: 'llamaindex',
  PREFECT: 'prefect',
} as const satisfies Record<string, BuiltinOrchestratorType>;

/** Seed 002's keyword arguments of `select_orchestrator`, in snake_case. */
interface SnakeSelectInput {
  readonly task_type: string;
  readonly requires_state?: boolean;
  readonly requires_routing?: boolean;
  readonly requires_scheduling?: boolean;
}

/**
 * Seed 002's `select_orchestrator`, the alias of `selectOrchestrator`: accepts `{ task_type, requires_state, ... }`
 * or `(task_type, { requires_state, ... })` as well as the camelCase forms. Returns `{ type, rule, rulePath }`.
 */
export function select_orchestrator(
  input: SnakeSelectInput | SelectInput | string,
  flags: Omit<SnakeSelectInput, 'task_type'> & SelectFlags = {},
): SelectDecision {
  if (typeof input === 'string') return selectOrchestrator(input, fromSnake({ task_type: input, ...flags }));
  return selectOrchestrator('task_type' in input ? { taskType: input.task_type, ...fromSnake(input) } : input);
}

function fromSnake(input: Partial<SnakeSelectInput> & SelectFlags): SelectFlags {
  return {
    requiresState: input.requiresState ?? input.requires_state,
    requiresRouting: input.requiresRouting ?? input.requires_routing,
    requiresScheduling: input.requiresScheduling ?? input.requires_scheduling,
  };
}

/** Seed 002's `recommend_orchestrator`, the alias of `recommendOrchestrator`. */
export const recommend_orchestrator: (description: string) => Recommendation = recommendOrchestrator;

/** Seed 002's `get_orchestrator_guide`, the alias of `getOrchestratorGuide`. */
export const get_orchestrator_guide: () => Record<string, string> = getOrchestratorGuide;

/** The alias of `selectOrchestrator(input)`. */
export const select = (input: SelectInput): SelectDecision => selectOrchestrator(input);

/** The alias of `recommendOrchestrator(description)`. */
export const recommend = (description: string): Recommendation => recommendOrchestrator(description);
