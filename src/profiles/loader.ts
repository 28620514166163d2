import { readdir, readFile } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';
import type { z } from 'zod';
import { didYouMean } from '../did-you-mean.js';
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
  // An unknown key first: a misspelt field also shows up as that field missing, and the typo is the cause.
  const issues = result.error.issues as z.core.$ZodIssue[];
  const issue = issues.find((i) => i.code === 'unrecognized_keys') ?? issues[0]!;
  const where = file ? `${file}: ` : '';
  if (issue.code === 'unrecognized_keys') {
    // Name the key itself (`complexty: unknown key (did you mean "complexity"?)`), not its parent object.
    const key = issue.keys[0]!;
    const path = formatIssuePath([...issue.path, key]);
    return throwProfileError(`${where}${path}: unknown key${didYouMean(key, keysAt(profileSchema, issue.path))}`, path, file, result.error.issues.length);
  }
  const path = formatIssuePath(issue.path);
  return throwProfileError(`${where}${path}: ${issue.message}`, path, file, result.error.issues.length);
}

/** The keys the object schema at `path` declares (for did-you-mean on an unknown key); [] where it cannot tell. */
function keysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  type Node = { shape?: Record<string, Node>; element?: Node; _zod?: { def?: { innerType?: Node } } } | undefined;
  const unwrap = (node: Node): Node => {
    let current = node;
    while (current?._zod?.def?.innerType) current = current._zod.def.innerType;
    return current;
  };
  let node = unwrap(schema as unknown as Node);
  for (const key of path) {
    node = unwrap(typeof key === 'number' ? node?.element : node?.shape?.[String(key)]);
    if (!node) return [];
  }
  return node?.shape ? Object.keys(node.shape) : [];
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
    // The yaml parser appends a code frame on further lines: keep the first line, so the error stays one line.
    const why = ((error as Error).message.split('\n')[0] ?? '').replace(/:\s*$/, '');
    throw new SwitchyardError('INVALID_PROFILE', `invalid profile ${file}: not valid ${extname(file).slice(1).toUpperCase()}: ${why}`, { file, cause: error });
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
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new SwitchyardError('INVALID_INPUT', `profiles: expected a readable directory of profile files (.json, .yaml); got ${JSON.stringify(dir)} (${code})`, {
      path: 'profiles',
      expected: 'a readable directory',
      got: dir,
      cause: error,
    });
  }
  const files = names.filter((name) => PROFILE_EXTENSIONS.has(extname(name))).sort();
  const profiles: OrchestratorProfile[] = [];
  for (const name of files) profiles.push(await loadProfileFile(join(root, name)));
  return profiles;
}
