import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { OrchestratorProfile } from './schema.js';

/** The built-in engines, in the order the selector tries them. */
export const BUILTIN_TYPES = ['agno', 'langgraph', 'llamaindex', 'prefect'] as const;
export type BuiltinOrchestratorType = (typeof BUILTIN_TYPES)[number];

/** Any orchestrator type: a built-in one or a registered custom one. */
export type OrchestratorTypeName = BuiltinOrchestratorType | (string & {});

/** `profiles/` at the package root, from the source tree (`src/profiles`) or the build (`dist/src/profiles`). */
export function builtinProfilesDir(): string {
  for (const relative of ['../../profiles/', '../../../profiles/']) {
    const dir = fileURLToPath(new URL(relative, import.meta.url));
    if (existsSync(`${dir}agno.json`)) return dir;
  }
  throw new Error('switchyard: the built-in profiles/ directory is missing from the installation');
}

let cached: readonly OrchestratorProfile[] | undefined;

/**
 * The four built-in profiles, read once. They are not re-validated at runtime so that `switchyard select`
 * never loads zod; `test/unit/profiles` validates every file against the schema instead.
 */
export function builtinProfiles(): readonly OrchestratorProfile[] {
  if (cached) return cached;
  const dir = builtinProfilesDir();
  cached = Object.freeze(BUILTIN_TYPES.map((type) => JSON.parse(readFileSync(`${dir}${type}.json`, 'utf8')) as OrchestratorProfile));
  return cached;
}
