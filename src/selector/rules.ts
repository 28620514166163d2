import { invalidInput } from '../errors.js';
import type { OrchestratorProfile } from '../profiles/schema.js';

/** What `select()` is asked (seed 002's `select(task_type, requires_state, requires_routing, requires_scheduling)`). */
export interface SelectInput {
  readonly taskType: string;
  /** Needs state persisted across steps and recovery (default false). */
  readonly requiresState?: boolean;
  /** Needs conditional routing between steps (default false). */
  readonly requiresRouting?: boolean;
  /** Needs to run on a schedule (default false). */
  readonly requiresScheduling?: boolean;
}

/** The ordered rules; the first that produces a candidate wins. */
export type SelectRule = 'task-type' | 'task-type-words' | 'capabilities' | 'precedence' | 'default';

/** The decision and the rules tried to reach it, in order (the last entry names the winner). */
export interface SelectDecision {
  readonly type: string;
  readonly rule: SelectRule;
  readonly rulePath: readonly string[];
}

type Capability = 'scheduling' | 'state' | 'routing';

/** When several requirements are set and no engine has them all, the first one listed here decides. */
export const CAPABILITY_PRECEDENCE: readonly Capability[] = ['scheduling', 'state', 'routing'];

const FLAG_BITS: Record<Capability, number> = { state: 1, routing: 2, scheduling: 4 };
const CACHE_LIMIT = 1024;

/** Guesses an engine from the words of an undeclared task type (`pdf_summary`); the recommender provides it. */
export type TaskTypeReader = (words: string) => { type: string; match: string } | undefined;

export function normalizeTaskType(taskType: string): string {
  return taskType.trim().toLowerCase().replace(/[\s-]+/g, '_');
}

function hasCapability(profile: OrchestratorProfile, capability: Capability): boolean {
  return capability === 'state' ? profile.stateful : capability === 'routing' ? profile.routing : profile.scheduling;
}

/**
 * The decision tree as an ordered rule list (hono SmartRouter style: candidates tried in order, winner recorded):
 * 1. task-type        the task type is declared by a profile that also has every required capability
 * 2. task-type-words  the task type's words read as one engine's intent, and that engine has every required capability
 * 3. capabilities     the first profile (registration order) with every required capability
 * 4. precedence       no profile has them all: the highest-ranked requirement (scheduling > state > routing) decides
 * 5. default          nothing more specific: the default profile (agno)
 * Decisions are computed once per (task type, flags) and cached, so a repeated `select()` is a map look-up.
 */
export class DecisionTree {
  readonly #profiles: readonly OrchestratorProfile[];
  readonly #byTaskType = new Map<string, OrchestratorProfile>();
  readonly #default: OrchestratorProfile;
  readonly #readWords: TaskTypeReader | undefined;
  readonly #cache = new Map<string, (SelectDecision | undefined)[]>();

  constructor(profiles: readonly OrchestratorProfile[], readWords?: TaskTypeReader) {
    if (profiles.length === 0) throw new Error('switchyard: a selector needs at least one profile');
    this.#profiles = profiles;
    this.#readWords = readWords;
    for (const profile of profiles) {
      this.#byTaskType.set(normalizeTaskType(profile.type), profile);
      for (const taskType of profile.selection?.taskTypes ?? []) {
        const key = normalizeTaskType(taskType);
        if (!this.#byTaskType.has(key)) this.#byTaskType.set(key, profile);
      }
    }
    this.#default = profiles.find((p) => p.selection?.default) ?? [...profiles].sort((a, b) => complexityRank(a) - complexityRank(b))[0]!;
  }

  get defaultType(): string {
    return this.#default.type;
  }

  select(input: SelectInput): SelectDecision {
    if (input === null || typeof input !== 'object') throw invalidInput('select', 'an object such as { taskType: "rag_workflow" }', input);
    const { taskType } = input;
    if (typeof taskType !== 'string' || taskType.trim() === '') throw invalidInput('taskType', 'a non-empty string such as "rag_workflow"', taskType);
    const flags = (input.requiresState === true ? 1 : 0) | (input.requiresRouting === true ? 2 : 0) | (input.requiresScheduling === true ? 4 : 0);
    let row = this.#cache.get(taskType);
    if (row === undefined) {
      if (this.#cache.size >= CACHE_LIMIT) this.#cache.clear();
      row = new Array<SelectDecision | undefined>(8);
      this.#cache.set(taskType, row);
    }
    return (row[flags] ??= Object.freeze(this.#decide(taskType, flags)));
  }

  #decide(taskType: string, flags: number): SelectDecision {
    const rulePath: string[] = [];
    const required = CAPABILITY_PRECEDENCE.filter((c) => (flags & FLAG_BITS[c]) !== 0);
    const needs = required.join(' + ');
    const missing = (p: OrchestratorProfile) => required.filter((c) => !hasCapability(p, c));
    const done = (type: string, rule: SelectRule): SelectDecision => ({ type, rule, rulePath: Object.freeze(rulePath) as readonly string[] });

    const declared = this.#byTaskType.get(normalizeTaskType(taskType));
    if (declared) {
      const lacks = missing(declared);
      if (lacks.length === 0) {
        rulePath.push(`task-type: "${taskType}" is declared by ${declared.type}${required.length ? ` and ${declared.type} has ${needs}` : ''} -> ${declared.type}`);
        return done(declared.type, 'task-type');
      }
      rulePath.push(`task-type: "${taskType}" is declared by ${declared.type}, but ${declared.type} lacks ${lacks.join(' + ')} -> next rule`);
    } else {
      rulePath.push(`task-type: "${taskType}" is not a declared task type -> next rule`);
      const guess = this.#readWords?.(normalizeTaskType(taskType).replace(/_/g, ' '));
      const profile = guess && this.#profiles.find((p) => p.type === guess.type);
      if (guess && profile) {
        const lacks = missing(profile);
        if (lacks.length === 0) {
          rulePath.push(`task-type-words: "${guess.match}" reads as ${profile.type} -> ${profile.type}`);
          return done(profile.type, 'task-type-words');
        }
        rulePath.push(`task-type-words: "${guess.match}" reads as ${profile.type}, but ${profile.type} lacks ${lacks.join(' + ')} -> next rule`);
      }
    }

    if (required.length > 0) {
      const capable = this.#profiles.find((p) => missing(p).length === 0);
      if (capable) {
        rulePath.push(`capabilities: requires ${needs} -> ${capable.type} (the first profile with ${needs})`);
        return done(capable.type, 'capabilities');
      }
      rulePath.push(`capabilities: no profile has ${needs} -> next rule`);
      for (const capability of required) {
        const candidate = this.#profiles.find((p) => hasCapability(p, capability));
        if (candidate) {
          rulePath.push(`precedence: ${capability} ranks first of ${needs} -> ${candidate.type} (give the rest its own stage)`);
          return done(candidate.type, 'precedence');
        }
      }
      rulePath.push(`precedence: no profile has any of ${needs} -> next rule`);
    }

    rulePath.push(`default: nothing more specific -> ${this.#default.type}`);
    return done(this.#default.type, 'default');
  }
}

function complexityRank(profile: OrchestratorProfile): number {
  return profile.complexity === 'low' ? 0 : profile.complexity === 'medium' ? 1 : 2;
}
