import { didYouMean } from '../did-you-mean.js';
import { SwitchyardError, invalidInput } from '../errors.js';
import { builtinProfiles } from '../profiles/builtin.js';
import type { OrchestratorProfile } from '../profiles/schema.js';
import { buildGuide } from './guide.js';
import { Recommender, type Recommendation } from './recommender.js';
import { DecisionTree, type SelectDecision, type SelectInput } from './rules.js';

/** An undeclared task type must read this clearly as one engine before `select()` trusts it. */
const TASK_TYPE_WORDS_MIN_SCORE = 2;

interface Compiled {
  readonly tree: DecisionTree;
  readonly recommender: Recommender;
  readonly byType: ReadonlyMap<string, OrchestratorProfile>;
  readonly guide: Readonly<Record<string, string>>;
}

/**
 * The selector without validation: profiles given here are trusted (the built-ins are checked by the test suite).
 * It imports no zod, so `switchyard select` starts fast; `OrchestratorSelector` adds validated registration.
 */
export class SelectorCore {
  #profiles: OrchestratorProfile[];
  #compiled: Compiled | undefined;

  constructor(profiles: readonly OrchestratorProfile[] = builtinProfiles()) {
    this.#profiles = [...profiles];
  }

  /** Seed 002's `select`: the orchestrator for a task, with the rule path that decided it. */
  select(input: SelectInput): SelectDecision {
    return this.#state().tree.select(input);
  }

  /** Recommends an orchestrator for a free-text description (deterministic, offline). */
  recommend(description: string): Recommendation {
    if (typeof description !== 'string' || description.trim() === '') {
      throw invalidInput('description', 'a non-empty description such as "analyze contracts and get legal sign-off"', description);
    }
    return this.#state().recommender.recommend(description);
  }

  getProfile(type: string): OrchestratorProfile {
    const profile = this.#state().byType.get(type);
    if (!profile) {
      throw new SwitchyardError('UNKNOWN_ORCHESTRATOR', `unknown orchestrator type "${type}"; expected one of ${this.types().join(', ')}${didYouMean(type, this.types())}`, {
        path: 'type',
        expected: this.types().join(' | '),
        got: type,
      });
    }
    return profile;
  }

  hasProfile(type: string): boolean {
    return this.#state().byType.has(type);
  }

  /** Every profile by type, in registration order (built-ins first). */
  listAllProfiles(): Record<string, OrchestratorProfile> {
    return Object.fromEntries(this.#profiles.map((p) => [p.type, p]));
  }

  types(): string[] {
    return this.#profiles.map((p) => p.type);
  }

  /** Seed 002's quick-reference guide: task -> orchestrator type. */
  guide(): Record<string, string> {
    return { ...this.#state().guide };
  }

  /** Adds an already-validated profile; replaces one of the same type only when `replace` is set. */
  protected addValidated(profile: OrchestratorProfile, replace = false): void {
    const index = this.#profiles.findIndex((p) => p.type === profile.type);
    if (index !== -1 && !replace) {
      throw new SwitchyardError('CONFLICT', `orchestrator type "${profile.type}" is already registered; pass { replace: true } to replace it`, { path: 'type', got: profile.type });
    }
    const frozen = deepFreeze(structuredClone(profile));
    if (index === -1) this.#profiles.push(frozen);
    else this.#profiles[index] = frozen;
    this.#compiled = undefined;
  }

  #state(): Compiled {
    if (this.#compiled) return this.#compiled;
    const profiles = this.#profiles;
    const defaultType = profiles.find((p) => p.selection?.default)?.type ?? profiles[0]?.type ?? '';
    const recommender = new Recommender(profiles, defaultType);
    const readWords = (words: string) => {
      const result = recommender.recommend(words);
      if (result.score < TASK_TYPE_WORDS_MIN_SCORE) return undefined;
      const match = result.reasons.filter((r) => r.type === result.type).map((r) => r.match).join(' ');
      return { type: result.type, match };
    };
    this.#compiled = {
      tree: new DecisionTree(profiles, readWords),
      recommender,
      byType: new Map(profiles.map((p) => [p.type, p])),
      guide: Object.freeze(buildGuide(profiles)),
    };
    return this.#compiled;
  }
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
