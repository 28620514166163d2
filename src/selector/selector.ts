import { loadProfilesDir, parseProfile } from '../profiles/loader.js';
import { builtinProfiles } from '../profiles/builtin.js';
import type { OrchestratorProfile, ProfileInput } from '../profiles/schema.js';
import { SelectorCore } from './core.js';

export interface OrchestratorSelectorOptions {
  /** Start from the four built-in profiles (default true). */
  readonly builtins?: boolean;
  /** Extra profiles (validated) registered after the built-ins. */
  readonly profiles?: readonly (ProfileInput | OrchestratorProfile)[];
}

export interface RegisterOptions {
  /** Replace a profile of the same type instead of failing with CONFLICT (default false). */
  readonly replace?: boolean;
}

/**
 * Seed 002's `OrchestratorSelector`: the decision tree, the recommender and the guide over a set of profiles.
 * Custom orchestrator types registered here take part in `select()` (through their task types and
 * capabilities) and in `recommend()` (through their intents).
 */
export class OrchestratorSelector extends SelectorCore {
  constructor(options: OrchestratorSelectorOptions = {}) {
    super(options.builtins === false ? [] : builtinProfiles());
    options.profiles?.forEach((profile, i) => this.addValidated(parseProfile(profile, `profiles[${i}]`)));
  }

  /** A selector with the built-ins plus every profile file (.json/.yaml) in `dir`. */
  static async fromDirectory(dir: string, options: OrchestratorSelectorOptions = {}): Promise<OrchestratorSelector> {
    const selector = new OrchestratorSelector(options);
    await selector.loadProfiles(dir);
    return selector;
  }

  /** Validates and registers a custom orchestrator's profile. Malformed input fails with INVALID_PROFILE naming the field path. */
  register(profile: ProfileInput | OrchestratorProfile | unknown, options: RegisterOptions = {}): OrchestratorProfile {
    const parsed = parseProfile(profile);
    this.addValidated(parsed, options.replace === true);
    return this.getProfile(parsed.type);
  }

  /** Registers every profile file in `dir`; a file for a built-in type replaces it. */
  async loadProfiles(dir: string): Promise<OrchestratorProfile[]> {
    const profiles = await loadProfilesDir(dir);
    for (const profile of profiles) this.addValidated(profile, true);
    return profiles;
  }
}
