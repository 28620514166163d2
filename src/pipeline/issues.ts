import type { z } from 'zod';
import { didYouMean } from '../did-you-mean.js';
import { SwitchyardError, describeValue } from '../errors.js';

export { didYouMean };

type Issue = z.core.$ZodIssue;

/** `stages[2].retry.attempts` from a base and a zod path. */
export function joinPath(base: string, path: readonly PropertyKey[]): string {
  let out = base;
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : out === '' ? String(key) : `.${String(key)}`;
  return out;
}

export function pipelineError(path: string, expected: string, got: unknown, suffix = '', file?: string): SwitchyardError {
  const gotText = got === undefined ? 'nothing' : describeValue(got);
  return new SwitchyardError('INVALID_PIPELINE', `${path}: expected ${expected}; got ${gotText}${suffix}`, {
    path,
    expected,
    got,
    ...(file ? { file } : {}),
  });
}

/** `key: unknown key; expected one of a, b (did you mean "a"?)`. */
export function unknownKeyError(path: string, key: string, known: readonly string[], file?: string): SwitchyardError {
  const expected = known.length > 0 ? `one of ${known.join(', ')}` : 'no further keys';
  return new SwitchyardError('INVALID_PIPELINE', `${path}: unknown key; expected ${expected}${didYouMean(key, known)}`, {
    path,
    expected,
    got: key,
    ...(file ? { file } : {}),
  });
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let value = root;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/** The issue a person should fix first: an unknown key (a typo also shows up as the field it meant missing), else the shallowest. */
export function firstIssue(issues: readonly Issue[]): Issue {
  const byDepth = [...issues].sort((a, b) => a.path.length - b.path.length);
  return byDepth.find((i) => i.code === 'unrecognized_keys') ?? byDepth[0]!;
}

// ---- reading the schema at a path (zod 4 internals, duck-typed) ----

interface SchemaNode {
  readonly shape?: Record<string, SchemaNode>;
  readonly element?: SchemaNode;
  readonly options?: readonly SchemaNode[];
  readonly _zod?: { readonly def?: { readonly innerType?: SchemaNode; readonly in?: SchemaNode; readonly valueType?: SchemaNode; readonly items?: readonly SchemaNode[] } };
}

function unwrap(node: SchemaNode | undefined): SchemaNode | undefined {
  let current = node;
  for (;;) {
    const def = current?._zod?.def;
    const inner = def?.innerType ?? def?.in;
    if (!inner) return current;
    current = inner;
  }
}

function step(node: SchemaNode | undefined, key: PropertyKey): SchemaNode | undefined {
  const here = unwrap(node);
  if (!here) return undefined;
  if (here.options) {
    for (const option of here.options) {
      const found = step(option, key);
      if (found) return found;
    }
    return undefined;
  }
  if (typeof key === 'number') return here.element ?? here._zod?.def?.items?.[key];
  return here.shape?.[String(key)] ?? here._zod?.def?.valueType;
}

/** The schema at `path` inside `schema` (through optionals, arrays, records and unions); undefined where it cannot tell. */
export function schemaAt(schema: unknown, path: readonly PropertyKey[]): unknown {
  let node = schema as SchemaNode | undefined;
  for (const key of path) {
    node = step(node, key);
    if (!node) return undefined;
  }
  return node;
}

/** The keys the object schema at `path` declares (every object branch of a union); [] where it cannot tell. */
export function keysAt(schema: unknown, path: readonly PropertyKey[]): string[] {
  const node = unwrap(schemaAt(schema, path) as SchemaNode | undefined);
  if (!node) return [];
  const objects = node.options ? node.options.map(unwrap) : [node];
  const keys = new Set<string>();
  for (const object of objects) for (const key of Object.keys(object?.shape ?? {})) keys.add(key);
  return [...keys];
}

// ---- issues to errors ----

/**
 * Turns a zod issue into one clear error naming path, expectation and what was found. `schema` is the schema
 * `root` was parsed with: unknown keys list the keys it declares at the issue's path, and union errors report
 * the branch the value was closest to.
 */
export function issueToError(issue: Issue, root: unknown, base: string, schema?: unknown, file?: string): SwitchyardError {
  const got = valueAt(root, issue.path);
  const path = joinPath(base, issue.path);
  switch (issue.code) {
    case 'invalid_type':
      return pipelineError(path, issue.expected === 'custom' ? 'a function' : describeExpected(issue.expected), got, '', file);
    case 'invalid_value': {
      const values = issue.values.map(String);
      if (values.length === 1) return pipelineError(path, JSON.stringify(values[0]), got, '', file);
      return pipelineError(path, `one of ${values.join(', ')}`, got, typeof got === 'string' ? didYouMean(got, values) : '', file);
    }
    case 'unrecognized_keys': {
      const key = issue.keys[0]!;
      return unknownKeyError(joinPath(path, [key]), key, keysAt(schema, issue.path), file);
    }
    case 'too_small':
      return pipelineError(path, issue.origin === 'array' ? `at least ${String(issue.minimum)} item(s)` : issue.origin === 'string' ? 'a non-empty string' : `a value >= ${String(issue.minimum)}`, got, '', file);
    case 'too_big':
      return pipelineError(path, `a value <= ${String(issue.maximum)}`, got, '', file);
    case 'invalid_union':
      return unionErrors(issue, root, base, schema, file)[0]!;
    default:
      return pipelineError(path, issue.message.replace(/^expected /, ''), got, '', file);
  }
}

/**
 * Every issue of one zod parse as path-named errors, the one `firstIssue` picks leading, the rest in zod's order.
 * Each unknown key is its own error; a key reported missing next to an unknown key that is a typo of it is left
 * out (`taks:` is the mistake, `task` missing is not another one). A union reports every issue of its closest branch.
 */
export function issuesToErrors(issues: readonly Issue[], root: unknown, base: string, schema?: unknown, file?: string): SwitchyardError[] {
  const expanded = issues.flatMap((issue): Issue[] => (issue.code === 'unrecognized_keys' && issue.keys.length > 1 ? issue.keys.map((key) => ({ ...issue, keys: [key] })) : [issue]));
  const kept = expanded.filter((issue) => !missingTypo(issue, expanded, root));
  if (kept.length === 0) return [];
  const first = firstIssue(kept);
  return [first, ...kept.filter((issue) => issue !== first)].flatMap((issue) =>
    issue.code === 'invalid_union' ? unionErrors(issue, root, base, schema, file) : [issueToError(issue, root, base, schema, file)],
  );
}

/** A key reported missing whose object has an unknown key close enough to be a typo of it. */
function missingTypo(issue: Issue, all: readonly Issue[], root: unknown): boolean {
  const key = issue.path.at(-1);
  if (issue.code !== 'invalid_type' || typeof key !== 'string') return false;
  const parentPath = issue.path.slice(0, -1);
  const parent = valueAt(root, parentPath);
  if (typeof parent !== 'object' || parent === null || Object.hasOwn(parent, key)) return false;
  return all.some((other) => other.code === 'unrecognized_keys' && samePath(other.path, parentPath) && other.keys.some((unknown) => didYouMean(unknown, [key]) !== ''));
}

function unionErrors(issue: z.core.$ZodIssueInvalidUnion, root: unknown, base: string, schema: unknown, file: string | undefined): SwitchyardError[] {
  const errors = [unionError(issue, root, base, schema, file)].flat();
  return errors.length > 0 ? errors : [pipelineError(joinPath(base, issue.path), 'a valid value', valueAt(root, issue.path), '', file)];
}

function unionError(issue: z.core.$ZodIssueInvalidUnion, root: unknown, base: string, schema: unknown, file: string | undefined): SwitchyardError | SwitchyardError[] {
  const path = joinPath(base, issue.path);
  const got = valueAt(root, issue.path);
  const last = issue.path.at(-1);
  // A discriminated union whose discriminator matched no option (the path already names the discriminator).
  const options = (issue as { options?: readonly unknown[] }).options;
  if (issue.errors.length === 0 && options) {
    const values = options.map(String);
    return pipelineError(path, `one of ${values.join(', ')}`, got, typeof got === 'string' ? didYouMean(got, values) : '', file);
  }
  if (last === 'onFailure') return pipelineError(path, 'stop, continue or { goto: stageId }', got, typeof got === 'string' ? didYouMean(got, ['stop', 'continue']) : '', file);
  const branches = issue.errors;
  // Every branch wants a different literal at the same place (a `type` discriminator): list them all.
  const literal = sameLiteralPath(branches);
  if (literal) {
    const values = branches.flatMap((b) => b.filter((i) => i.code === 'invalid_value' && samePath(i.path, literal)).flatMap((i) => (i as z.core.$ZodIssueInvalidValue).values.map(String)));
    const where = [...issue.path, ...literal];
    const value = valueAt(root, where);
    return pipelineError(joinPath(base, where), `one of ${[...new Set(values)].join(', ')}`, value, typeof value === 'string' ? didYouMean(value, values) : '', file);
  }
  // Every branch failed on the value itself: name what each would take.
  if (branches.every((b) => b.every((i) => i.path.length === 0 && i.code !== 'unrecognized_keys'))) {
    if (last === 'input' || last === 'when') return pipelineError(path, 'a JSONata expression (string) or a function', got, '', file);
    const wants = [...new Set(branches.map((b) => expectationOf(b[0])).filter((w): w is string => w !== undefined))];
    return pipelineError(path, wants.join(' or ') || 'a valid value', got, '', file);
  }
  // Otherwise the branch the value came closest to, reported with its own schema.
  const best = closestBranch(branches);
  const option = (unwrap(schemaAt(schema, issue.path) as SchemaNode | undefined)?.options ?? [])[best];
  return issuesToErrors(branches[best]!, got, path, option, file);
}

function samePath(a: readonly PropertyKey[], b: readonly PropertyKey[]): boolean {
  return a.length === b.length && a.every((key, i) => key === b[i]);
}

/** The path where every branch has a literal (`invalid_value`) mismatch, if there is one. */
function sameLiteralPath(branches: readonly (readonly Issue[])[]): readonly PropertyKey[] | undefined {
  const first = branches[0]?.find((i) => i.code === 'invalid_value' && i.path.length > 0);
  if (!first || branches.length < 2) return undefined;
  return branches.every((b) => b.some((i) => i.code === 'invalid_value' && samePath(i.path, first.path))) ? first.path : undefined;
}

/** Prefer a branch whose literals (e.g. `type`) matched, then the one whose issues go deepest, then the fewest issues. */
function closestBranch(branches: readonly (readonly Issue[])[]): number {
  const score = (issues: readonly Issue[]) => [
    issues.some((i) => i.code === 'invalid_value' && i.path.length === 1) ? 0 : 1,
    Math.max(0, ...issues.map((i) => i.path.length + (i.code === 'unrecognized_keys' ? 1 : 0))),
    -issues.length,
  ];
  let best = 0;
  let bestScore = score(branches[0] ?? []);
  branches.forEach((issues, i) => {
    const s = score(issues);
    const better = s[0]! - bestScore[0]! || s[1]! - bestScore[1]! || s[2]! - bestScore[2]!;
    if (better > 0) {
      best = i;
      bestScore = s;
    }
  });
  return best;
}

function expectationOf(issue: Issue | undefined): string | undefined {
  if (!issue) return undefined;
  if (issue.code === 'invalid_type') return issue.expected === 'custom' ? undefined : describeExpected(issue.expected);
  if (issue.code === 'invalid_value') return issue.values.length === 1 ? JSON.stringify(issue.values[0]) : `one of ${issue.values.map(String).join(', ')}`;
  if (issue.code === 'too_small' && issue.origin === 'string') return 'a non-empty string';
  if (issue.code === 'custom') return issue.message.replace(/^expected /, '');
  return undefined;
}

function describeExpected(expected: string): string {
  if (expected === 'int') return 'an integer';
  if (expected === 'nonoptional') return 'a value';
  if (expected === 'object') return 'an object';
  if (expected === 'array') return 'an array';
  return `a ${expected}`;
}
