import { readdir, readFile } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';
import type { z } from 'zod';
import { SwitchyardError } from '../errors.js';
import { profileSchema, type OrchestratorProfile } from './schema.js';

const PROFILE_EXTENSIONS = new Set(['.json', '.yaml', '.yml']);

/** Renders a zod issue path as `intents[0].terms.pdf`. */
export function formatIssuePath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out || '(root)';
}

/**
 * Validates one profile object. A malformed profile is rejected with INVALID_PROFILE naming the field path
 * (and the file, when given).
 */
export function parseProfile(value: unknown, file?: string): OrchestratorProfile {
  const result = profileSchema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0] as z.core.$ZodIssue;
  const path = formatIssuePath(issue.path);
  const where = file ? `${file}: ` : '';
  return throwProfileError(`${where}${path}: ${issue.message}`, path, file, result.error.issues.length);
}

function throwProfileError(message: string, path: string, file: string | undefined, issues: number): never {
  const extra = issues > 1 ? ` (and ${issues - 1} more issue${issues > 2 ? 's' : ''})` : '';
  throw new SwitchyardError('INVALID_PROFILE', `invalid profile ${message}${extra}`, { path, ...(file ? { file } : {}) });
}

/** Reads and validates one profile file (.json, or .yaml/.yml). The file name must match the profile's `type`. */
export async function loadProfileFile(file: string): Promise<OrchestratorProfile> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new SwitchyardError('INVALID_PROFILE', `cannot read profile ${file}: ${(error as Error).message}`, { file, cause: error });
  }
  let raw: unknown;
  try {
    if (extname(file) === '.json') raw = JSON.parse(text);
    else raw = (await import('yaml')).parse(text);
  } catch (error) {
    throw new SwitchyardError('INVALID_PROFILE', `invalid profile ${file}: not valid ${extname(file).slice(1).toUpperCase()}: ${(error as Error).message}`, { file, cause: error });
  }
  const profile = parseProfile(raw, file);
  const stem = basename(file, extname(file));
  if (stem !== profile.type) {
    throw new SwitchyardError('INVALID_PROFILE', `invalid profile ${file}: type: expected "${stem}" (the file name); got "${profile.type}"`, { file, path: 'type' });
  }
  return profile;
}

/** Loads every profile file in a directory (sorted by name), validating each. */
export async function loadProfilesDir(dir: string): Promise<OrchestratorProfile[]> {
  const root = resolve(dir);
  let names: string[];
  try {
    names = await readdir(root);
  } catch (error) {
    throw new SwitchyardError('INVALID_INPUT', `profiles directory ${dir}: cannot read it (${(error as NodeJS.ErrnoException).code ?? 'error'})`, { path: 'profiles', cause: error });
  }
  const files = names.filter((name) => PROFILE_EXTENSIONS.has(extname(name))).sort();
  const profiles: OrchestratorProfile[] = [];
  for (const name of files) profiles.push(await loadProfileFile(join(root, name)));
  return profiles;
}
