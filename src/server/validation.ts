import type { Context } from 'hono';
import type { ZodError } from 'zod';
import { describeValue } from '../errors.js';
import { HttpProblem, type ProblemIssue } from './problems.js';

/**
 * Request validation failures (body, query, path, headers) as one 400 problem whose `issues` name each bad path,
 * in the project's own `path: expected ...; got ...` style.
 */

type Target = 'json' | 'query' | 'param' | 'header' | 'cookie' | 'form';

const WHERE: Readonly<Record<Target, string>> = { json: 'the body', query: 'the query', param: 'the path', header: 'the headers', cookie: 'the cookies', form: 'the form' };

/** `['stages', 0, 'type']` -> `stages[0].type`. */
export function joinPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) out += typeof part === 'number' ? `[${part}]` : out === '' ? String(part) : `.${String(part)}`;
  return out;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let value = root;
  for (const part of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[part as string];
  }
  return value;
}

/** The zod issues of a request part as problem issues. */
export function requestIssues(error: ZodError, input: unknown): ProblemIssue[] {
  return error.issues.flatMap((issue): ProblemIssue[] => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => {
        const path = joinPath([...issue.path, key]);
        return { path, message: `${path}: unknown key`, got: key };
      });
    }
    const path = joinPath(issue.path);
    const got = valueAt(input, issue.path);
    const text = issue.code === 'invalid_union' ? unionExpectation(path) : issue.message.replace(/^Invalid input: /, '').replace(/^expected /i, '').replace(/, received \w+$/, '');
    const missing = got === undefined && (issue.code === 'invalid_type' || issue.code === 'invalid_union');
    const message = `${path || 'body'}: expected ${text}${missing ? '; got nothing' : got === undefined ? '' : `; got ${describeValue(got)}`}`;
    return [{ path, message, expected: text, ...(got === undefined ? {} : { got }) }];
  });
}

/** What a union field takes, said in words (zod only says "Invalid input"). */
function unionExpectation(path: string): string {
  if (path === 'pipeline') return 'a registered pipeline name or a pipeline object';
  return 'a value of one of the accepted shapes (see /api/openapi.json)';
}

/** zod-openapi's hook: a failed validation is thrown as a 400 problem. */
export function validationHook(result: { success: boolean; target: string; error?: ZodError; data?: unknown }, _c: Context): void {
  if (result.success || !result.error) return;
  const target = result.target as Target;
  // On a failure `data` is what was validated (the parsed body, the query, ...).
  const issues = requestIssues(result.error, result.data);
  const detail = issues.length === 1 ? issues[0]!.message : `${issues.length} problems in ${WHERE[target] ?? 'the request'}: ${issues.map((i) => i.message).join('; ')}`;
  throw new HttpProblem(400, 'invalid-request', detail, { issues });
}
