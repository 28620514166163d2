import { closest, distance } from 'fastest-levenshtein';
import type { z } from 'zod';
import { SwitchyardError, describeValue } from '../errors.js';

/** `stages[2].retry.attempts` from a base and a zod path. */
export function joinPath(base: string, path: readonly PropertyKey[]): string {
  let out = base;
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : out === '' ? String(key) : `.${String(key)}`;
  return out;
}

/** ` (did you mean "langgraph"?)` when a candidate is close enough to be a typo. */
export function didYouMean(got: string, candidates: readonly string[]): string {
  if (candidates.length === 0) return '';
  const best = closest(got, [...candidates]);
  const limit = Math.max(2, Math.floor(best.length / 3));
  return distance(got.toLowerCase(), best.toLowerCase()) <= limit ? ` (did you mean ${JSON.stringify(best)}?)` : '';
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

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let value = root;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/** Turns the first zod issue into one clear error naming path, expectation and what was found. */
export function issueToError(issue: z.core.$ZodIssue, root: unknown, base: string, knownKeys: readonly string[] = [], file?: string): SwitchyardError {
  const got = valueAt(root, issue.path);
  const path = joinPath(base, issue.path);
  switch (issue.code) {
    case 'invalid_type':
      return pipelineError(path, issue.expected === 'custom' ? 'a function' : describeExpected(issue.expected), got, '', file);
    case 'invalid_value':
      return pipelineError(path, `one of ${issue.values.map((v) => String(v)).join(', ')}`, got, typeof got === 'string' ? didYouMean(got, issue.values.map(String)) : '', file);
    case 'unrecognized_keys': {
      const key = issue.keys[0]!;
      const keyPath = joinPath(path, [key]);
      return new SwitchyardError('INVALID_PIPELINE', `${keyPath}: unknown key; expected one of ${knownKeys.join(', ')}${didYouMean(key, knownKeys)}`, {
        path: keyPath,
        expected: `one of ${knownKeys.join(', ')}`,
        got: key,
        ...(file ? { file } : {}),
      });
    }
    case 'too_small':
      return pipelineError(path, issue.origin === 'array' ? `at least ${String(issue.minimum)} item(s)` : issue.origin === 'string' ? 'a non-empty string' : `a value >= ${String(issue.minimum)}`, got, '', file);
    case 'too_big':
      return pipelineError(path, `a value <= ${String(issue.maximum)}`, got, '', file);
    case 'invalid_union':
      return issue.path.at(-1) === 'onFailure'
        ? pipelineError(path, 'stop, continue or { goto: stageId }', got, typeof got === 'string' ? didYouMean(got, ['stop', 'continue']) : '', file)
        : pipelineError(path, 'a JSONata expression (string) or a function', got, '', file);
    default:
      return pipelineError(path, issue.message, got, '', file);
  }
}

function describeExpected(expected: string): string {
  if (expected === 'int') return 'an integer';
  if (expected === 'nonoptional') return 'a value';
  if (expected === 'object') return 'an object';
  if (expected === 'array') return 'an array';
  return `a ${expected}`;
}
