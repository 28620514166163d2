import { SwitchyardError } from '../errors.js';

/**
 * The budgets of one JSONata evaluation (a stage `input` or `when`, a graph route). A pipeline file is
 * untrusted input: an expression that loops, recurses without end, builds huge values or backtracks through
 * a regular expression must end as a clean stage error, never hang the process. The operator sets these
 * (hub options in code, environment variables); the pipeline file never can.
 */
export interface ExpressionLimits {
  /** Wall-clock time of one evaluation, in milliseconds. */
  readonly timeoutMs: number;
  /** Nesting depth of the evaluation: nested sub-expressions and function calls (recursion). */
  readonly maxDepth: number;
  /** Items in one sequence (a path result, a range such as `[1..n]`, `$append`). */
  readonly maxSequence: number;
  /** Size of any one value the expression reads or builds, about the characters of its JSON. */
  readonly maxSize: number;
}

/** Defaults no honest expression comes near: a stage expression takes microseconds and a handful of levels. */
export const DEFAULT_EXPRESSION_LIMITS: ExpressionLimits = Object.freeze({
  timeoutMs: 1000,
  maxDepth: 500,
  maxSequence: 100_000,
  maxSize: 16 * 1024 * 1024,
});

/** The environment variable that overrides each limit (a positive integer). */
export const EXPRESSION_LIMIT_ENV: Readonly<Record<keyof ExpressionLimits, string>> = Object.freeze({
  timeoutMs: 'SWITCHYARD_EXPRESSION_TIMEOUT_MS',
  maxDepth: 'SWITCHYARD_EXPRESSION_MAX_DEPTH',
  maxSequence: 'SWITCHYARD_EXPRESSION_MAX_SEQUENCE',
  maxSize: 'SWITCHYARD_EXPRESSION_MAX_SIZE',
});

const KEYS = Object.keys(DEFAULT_EXPRESSION_LIMITS) as (keyof ExpressionLimits)[];

/**
 * The limits in force: each one from `overrides` (hub options in code), else its environment variable,
 * else the default. A value that is not a positive integer is an INVALID_INPUT error naming where it came from.
 */
export function resolveExpressionLimits(overrides: Partial<ExpressionLimits> = {}, env: NodeJS.ProcessEnv = process.env): ExpressionLimits {
  const limits = { ...DEFAULT_EXPRESSION_LIMITS };
  for (const key of KEYS) {
    const given = overrides[key];
    if (given !== undefined) {
      limits[key] = positiveInteger(given, `expressionLimits.${key}`);
      continue;
    }
    const name = EXPRESSION_LIMIT_ENV[key];
    const text = env[name];
    if (text !== undefined && text.trim() !== '') limits[key] = positiveInteger(Number(text), name, text);
  }
  for (const key of Object.keys(overrides)) {
    if (!KEYS.includes(key as keyof ExpressionLimits)) {
      throw new SwitchyardError('INVALID_INPUT', `expressionLimits.${key}: expected one of ${KEYS.join(', ')}`, { path: `expressionLimits.${key}`, expected: KEYS.join(', '), got: key });
    }
  }
  return Object.freeze(limits);
}

function positiveInteger(value: unknown, where: string, got: unknown = value): number {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value > 0) return value;
  throw new SwitchyardError('INVALID_INPUT', `${where}: expected a positive integer; got ${JSON.stringify(got) ?? String(got)}`, {
    path: where,
    expected: 'a positive integer',
    got,
  });
}
