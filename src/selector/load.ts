import type { OrchestratorProfile } from '../profiles/schema.js';
import { SwitchyardError, invalidInput } from '../errors.js';
import { SelectorCore } from './core.js';

/**
 * The selector the CLI uses: the built-ins alone need no validation library, so zod is imported
 * only when a directory of custom profiles is given.
 */
export async function loadSelector(profilesDir?: string): Promise<SelectorCore> {
  if (profilesDir === undefined) return new SelectorCore();
  const { OrchestratorSelector } = await import('./selector.js');
  try {
    return await OrchestratorSelector.fromDirectory(profilesDir);
  } catch (error) {
    // The directory itself is unreadable: name the flag the user typed.
    if (error instanceof SwitchyardError && error.path === 'profiles') throw invalidInput('--profiles', 'a readable directory of profile files (.json, .yaml)', profilesDir);
    throw error;
  }
}

/** A profile without the recommender's vocabulary: what a person wants to read. */
export function profileSummary(profile: OrchestratorProfile): Record<string, unknown> {
  return {
    type: profile.type,
    name: profile.name,
    summary: profile.summary,
    complexity: profile.complexity,
    stateful: profile.stateful,
    routing: profile.routing,
    scheduling: profile.scheduling,
    strengths: profile.strengths,
    weaknesses: profile.weaknesses,
    bestFor: profile.bestFor,
    useFor: profile.useFor,
    avoidFor: profile.avoidFor,
    overhead: profile.overhead,
    taskTypes: profile.selection?.taskTypes ?? [],
  };
}
