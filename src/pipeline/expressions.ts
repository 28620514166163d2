import jsonata from 'jsonata';
import { abortError } from '../abort.js';
import { SwitchyardError } from '../errors.js';
import { EXPRESSION_LIMIT_ENV, resolveExpressionLimits, type ExpressionLimits } from './expression-limits.js';
import { RegExpWorkError, UnsupportedRegExpError, compileLinearRegExp, linearRegExpEngine } from './linear-regexp.js';
import type { ExpressionScope } from './schema.js';

export { DEFAULT_EXPRESSION_LIMITS, EXPRESSION_LIMIT_ENV, resolveExpressionLimits } from './expression-limits.js';
export type { ExpressionLimits } from './expression-limits.js';

/** What the caller of an evaluation adds to the expression's own budgets. */
export interface EvaluateOptions {
  /** Stops the evaluation when it fires (the run's cancellation or deadline), within a few milliseconds. */
  readonly signal?: AbortSignal;
  /** The caller's timeout (a stage's `timeoutMs`): the evaluation ends at the earlier of it and the time budget. */
  readonly timeoutMs?: number;
}

/** A compiled `input` or `when`: a function in code, or a JSONata expression from a file. */
export type Evaluator = (scope: ExpressionScope, options?: EvaluateOptions) => unknown;

export interface CompileOptions {
  /** The operator's limits (hub options); missing ones come from the environment, then the defaults. */
  readonly limits?: Partial<ExpressionLimits>;
}

/**
 * Compiles a JSONata expression once, at validation. JSONata is a sandboxed query language: no Function,
 * no access to the process; the expression sees only its scope document (`{ input, previous, outputs,
 * data, goal }` for stages). A pipeline file is untrusted, so every evaluation is bounded (see
 * `ExpressionLimits`): time, depth, sequence length and value size; regular expressions run on RE2 (linear
 * time); `$eval` is disabled. Running out of a budget is an EXPRESSION_LIMIT error naming `path`.
 */
export function compileExpression(source: string, path: string, options: CompileOptions = {}): Evaluator {
  const limits = resolveExpressionLimits(options.limits);
  let expression: jsonata.Expression;
  try {
    expression = jsonata(source, jsonataOptions(limits));
  } catch (error) {
    const detail = error as { message?: string; position?: number };
    throw new SwitchyardError(
      'INVALID_PIPELINE',
      `${path}: expected a JSONata expression; got ${JSON.stringify(source)} (${detail.message ?? 'syntax error'}${detail.position === undefined ? '' : ` at position ${detail.position}`})`,
      { path, expected: 'a JSONata expression', got: source },
    );
  }
  checkSyntaxTree(expression.ast(), source, path);
  installBudgets(expression, limits);
  const evaluationOptions = { ...jsonataOptions(limits), sequence: limits.maxSequence };
  return async (scope, evaluate = {}) => {
    const { signal, timeoutMs } = evaluate;
    if (signal?.aborted) throw abortError(signal);
    const byCaller = timeoutMs !== undefined && timeoutMs < limits.timeoutMs;
    const budget = new Budget(byCaller ? timeoutMs : limits.timeoutMs, byCaller, signal, evaluationOptions);
    forgetTopLevel(scope);
    try {
      return await expression.evaluate(scope, { [BUDGET]: budget });
    } catch (error) {
      throw evaluationError(error, source, path, limits, signal);
    }
  };
}

export function toEvaluator(value: unknown, path: string, options: CompileOptions = {}): Evaluator | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'function') return value as Evaluator;
  return compileExpression(value as string, path, options);
}

// ---------------------------------------------------------------------------------------------------------
// Compile-time checks: regex literals RE2 cannot run, and `$eval`.

interface SyntaxNode {
  readonly type?: string;
  readonly value?: unknown;
  readonly position?: number;
}

function checkSyntaxTree(ast: unknown, source: string, path: string): void {
  const seen = new Set<object>();
  const visit = (node: unknown): void => {
    if (typeof node !== 'object' || node === null || node instanceof RegExp || seen.has(node)) return;
    seen.add(node);
    if (Array.isArray(node)) {
      for (const item of node) visit(item);
      return;
    }
    const { type, value, position } = node as SyntaxNode;
    if (type === 'regex' && value instanceof RegExp) {
      try {
        compileLinearRegExp(value);
      } catch (error) {
        if (!(error instanceof UnsupportedRegExpError)) throw error;
        throw new SwitchyardError('INVALID_PIPELINE', `${path}: ${error.message}${at(position)}`, {
          path,
          expected: 'a regular expression without backreferences or lookaround (RE2 syntax)',
          got: error.pattern,
        });
      }
    }
    if (type === 'variable' && value === 'eval') {
      throw new SwitchyardError('INVALID_PIPELINE', `${path}: $eval is disabled in pipeline expressions (an expression cannot build and run another)${at(position)}`, {
        path,
        expected: 'an expression without $eval',
        got: source,
      });
    }
    for (const key in node) visit((node as Record<string, unknown>)[key]);
  };
  visit(ast);
}

const at = (position: number | undefined) => (position === undefined ? '' : ` at position ${position}`);

// ---------------------------------------------------------------------------------------------------------
// Budgets. JSONata evaluates by a chain of awaited steps (one per sub-expression) and awaits the
// `__evaluate_exit` hook after each. Depth is JSONata's own guardrail (`stack`, checked as each step starts);
// the hook adds the rest: the clock and the caller's signal (every few steps), sequence length, and the size of
// what the step returned. One hook, not also `__evaluate_entry`: each hook costs an await on every step.

const EXIT = Symbol.for('jsonata.__evaluate_exit');
/** The binding that carries one evaluation's budget: `$` names cannot hold a space, so no expression can read it. */
const BUDGET = 'switchyard budget';
/** Steps between two looks at the clock (a step is a sub-expression; honest ones take about a microsecond). */
const CHECK_EVERY = 32;
/** A long evaluation gives the event loop a turn this often, so timers and SIGINT/SIGTERM handlers run. */
const YIELD_MS = 5;

/** Why an evaluation was stopped by the hook; mapped to a SwitchyardError naming the field. */
class Stop extends Error {
  constructor(
    readonly reason: 'time' | 'caller-time' | 'size' | 'sequence' | 'aborted' | 'eval',
    readonly limit: number,
  ) {
    super(reason);
  }
}

/**
 * RE2's work per character and program instruction, as a budget: about 40 ns on a laptop core, so a match whose
 * worst case (program size × text length) is this many times the time budget in ms takes about the whole budget.
 */
const REGEX_WORK_PER_MS = 25_000;

/**
 * JSONata's options: its depth guardrail, and RE2 for regex literals (a match may do about the time budget's
 * worth of work). Its sequence guardrail is set on each evaluation's environment instead (see `budgetOf`): given
 * here, JSONata would give every sequence it builds an own `push` property, which would show in results
 * (`toEqual`, structured clones).
 */
function jsonataOptions(limits: ExpressionLimits): jsonata.JsonataOptions {
  return { stack: limits.maxDepth, RegexEngine: linearRegExpEngine(limits.timeoutMs * REGEX_WORK_PER_MS) as unknown as RegExpConstructor };
}

/** One evaluation's clock and signal. */
class Budget {
  steps = 0;
  readonly deadline: number;
  lastYield: number;
  constructor(
    readonly timeoutMs: number,
    readonly byCaller: boolean,
    readonly signal: AbortSignal | undefined,
    /** What JSONata's ranges (`[1..n]`) and `$append` read their sequence limit from. */
    readonly options: jsonata.JsonataOptions & { readonly sequence: number },
  ) {
    const now = performance.now();
    this.deadline = now + timeoutMs;
    this.lastYield = now;
  }

  /** Throws when the time is up or the signal fired; yields to the event loop every few milliseconds. */
  check(): Promise<void> | undefined {
    const now = this.#now();
    if (now - this.lastYield < YIELD_MS) return undefined;
    return new Promise<void>(setImmediate).then(() => {
      this.lastYield = this.#now();
    });
  }

  #now(): number {
    if (this.signal?.aborted) throw new Stop('aborted', 0);
    const now = performance.now();
    if (now >= this.deadline) throw new Stop(this.byCaller ? 'caller-time' : 'time', this.timeoutMs);
    return now;
  }
}

/** The evaluation's root environment (JSONata's `environment.base`), with the budget found on it once. */
interface Base {
  lookup(name: string): unknown;
  options?: unknown;
  [SLOT]?: Budget;
}

const SLOT = Symbol('switchyard budget');

function budgetOf(base: Base): Budget {
  let budget = base[SLOT];
  if (budget === undefined) {
    // the first step to finish: find the budget, and give JSONata the sequence limit (ranges and `$append` are
    // always evaluated after their operands, so after this)
    budget = base.lookup(BUDGET) as Budget;
    base[SLOT] = budget;
    base.options = budget.options;
  }
  return budget;
}

function installBudgets(expression: jsonata.Expression, limits: ExpressionLimits): void {
  const { maxSize, maxSequence } = limits;
  const bind = expression.assign as (name: string | symbol, value: unknown) => void;
  bind(EXIT, (node: { readonly type?: string; readonly group?: unknown }, _input: unknown, environment: { readonly base: Base }, result: unknown) => {
    const budget = budgetOf(environment.base);
    if (typeof result === 'object') {
      // A field or a variable (without a group-by) is a part of a value already measured, or of the scope's own
      // data: what the enclosing step returns is measured.
      if (result !== null && ((node.type !== 'name' && node.type !== 'variable') || node.group !== undefined)) {
        if (Array.isArray(result) && result.length > maxSequence) throw new Stop('sequence', maxSequence);
        measure(result, maxSize);
      }
    } else if (typeof result === 'string' && result.length > maxSize) {
      throw new Stop('size', maxSize);
    }
    if (++budget.steps % CHECK_EVERY !== 0) return undefined;
    return budget.check();
  });
  expression.registerFunction(
    'eval',
    () => {
      throw new Stop('eval', 0);
    },
    '<sx?:x>',
  );
  expression.registerFunction('pad', boundedPad(maxSize), '<s-ns?:s>');
  expression.registerFunction('distinct', linearDistinct, '<x:x>');
}

// ---------------------------------------------------------------------------------------------------------
// Value sizes. Each value a step returns is measured (about the characters of its JSON), memoised per object,
// so shared sub-values count every time they appear: `{"a": $x, "b": $x}` doubling in a loop reaches the
// limit in a few dozen steps instead of building a value whose `$string` or `=` would never finish.

const SIZES = new WeakMap<object, number>();
/** Objects being measured (provisionally 0, so a cycle counts once); cleared when a measurement throws. */
const measuring: object[] = [];

function measure(value: object, maxSize: number): void {
  measuring.length = 0;
  try {
    sizeOf(value, maxSize);
  } catch (error) {
    for (const object of measuring) if (SIZES.get(object) === 0) SIZES.delete(object);
    throw error;
  } finally {
    measuring.length = 0;
  }
}

function sizeOf(value: unknown, maxSize: number): number {
  if (typeof value === 'string') return value.length + 2;
  if (typeof value !== 'object' || value === null) return 1;
  const known = SIZES.get(value);
  if (known !== undefined) return known;
  // JSONata's functions and lambdas (closures over their environment) are not data
  if ((value as { _jsonata_lambda?: unknown })._jsonata_lambda === true || (value as { _jsonata_function?: unknown })._jsonata_function === true) return 1;
  SIZES.set(value, 0);
  measuring.push(value);
  let size = 2;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      size += 1 + sizeOf(value[i], maxSize);
      if (size > maxSize) throw new Stop('size', maxSize);
    }
  } else {
    for (const key in value) {
      size += key.length + 4 + sizeOf((value as Record<string, unknown>)[key], maxSize);
      if (size > maxSize) throw new Stop('size', maxSize);
    }
  }
  SIZES.set(value, size);
  return size;
}

/**
 * The scope's top-level values may have changed since an earlier evaluation measured them (the data bus is
 * written between stages), so they are measured again; deeper values are taken as they were.
 */
function forgetTopLevel(scope: unknown): void {
  if (typeof scope !== 'object' || scope === null) return;
  SIZES.delete(scope);
  for (const key in scope) {
    const value = (scope as Record<string, unknown>)[key];
    if (typeof value === 'object' && value !== null) SIZES.delete(value);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Built-ins replaced: JSONata's `$pad` allocates `width` characters at once (a large width ends the process),
// its `$distinct` compares every pair (quadratic in one synchronous call, which no clock can interrupt).

function boundedPad(maxSize: number) {
  return (str: string | undefined, width: number, char?: string): string | undefined => {
    if (str === undefined) return undefined;
    const fill = char === undefined || char.length === 0 ? ' ' : char;
    const target = Math.abs(Math.trunc(width));
    if (target > maxSize) throw new Stop('size', maxSize);
    const padLength = target - Array.from(str).length;
    if (!(padLength > 0)) return str;
    const repeated = fill.repeat(padLength);
    const padding = fill.length > 1 ? Array.from(repeated).slice(0, padLength).join('') : repeated;
    return width > 0 ? str + padding : padding + str;
  };
}

/** JSONata calls a built-in with its focus as `this`, which can also create a sequence (JSONata's result arrays). */
type Focus = jsonata.Focus & { readonly createSequence?: () => unknown[] };

function linearDistinct(this: Focus, arr: unknown): unknown {
  if (!Array.isArray(arr) || arr.length <= 1) return arr;
  const results = (arr as { sequence?: boolean }).sequence === true && this.createSequence ? this.createSequence() : [];
  const seen = new Set<string>();
  const unkeyed: unknown[] = [];
  for (const value of arr) {
    const key = canonicalKey(value);
    if (key === undefined) {
      // a value holding functions compares by identity, as JSONata's deep equality does
      if (unkeyed.includes(value)) continue;
      unkeyed.push(value);
    } else {
      if (seen.has(key)) continue;
      seen.add(key);
    }
    results.push(value);
  }
  return results;
}

/** A string equal for deep-equal JSON values (object keys in any order); undefined for values holding functions. */
function canonicalKey(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return `n${value === 0 ? 0 : value}`;
    case 'boolean':
      return value ? 't' : 'f';
    case 'undefined':
      return 'u';
    case 'object': {
      if (value === null) return 'z';
      if (Array.isArray(value)) {
        const parts: string[] = [];
        for (const item of value) {
          const key = canonicalKey(item);
          if (key === undefined) return undefined;
          parts.push(key);
        }
        return `[${parts.join(',')}]`;
      }
      if ((value as { _jsonata_lambda?: unknown })._jsonata_lambda === true || (value as { _jsonata_function?: unknown })._jsonata_function === true) return undefined;
      const parts: string[] = [];
      for (const key of Object.keys(value).sort()) {
        const inner = canonicalKey((value as Record<string, unknown>)[key]);
        if (inner === undefined) return undefined;
        parts.push(`${JSON.stringify(key)}:${inner}`);
      }
      return `{${parts.join(',')}}`;
    }
    default:
      return undefined;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Errors: a budget run out is EXPRESSION_LIMIT naming the field; the caller's signal keeps its own reason.

const JSONATA_LIMITS: Readonly<Record<string, keyof ExpressionLimits>> = { D1011: 'maxDepth', D2014: 'maxSequence', D2015: 'maxSequence' };

function evaluationError(error: unknown, source: string, path: string, limits: ExpressionLimits, signal: AbortSignal | undefined): SwitchyardError {
  if (signal?.aborted) return abortError(signal);
  if (error instanceof Stop) {
    switch (error.reason) {
      case 'aborted':
        return abortError(signal!);
      case 'caller-time':
        return new SwitchyardError('TIMEOUT', `${path}: expression exceeded the stage timeout of ${error.limit} ms`, { path, details: { timeoutMs: error.limit } });
      case 'time':
        return limitError(path, 'timeoutMs', `its ${limits.timeoutMs} ms time budget`, limits);
      case 'sequence':
        return limitError(path, 'maxSequence', `its sequence budget of ${limits.maxSequence} items`, limits);
      case 'size':
        return limitError(path, 'maxSize', `its size budget of ${limits.maxSize} characters (a value it read or built is too large)`, limits);
      case 'eval':
        return new SwitchyardError('STAGE_FAILED', `${path}: $eval is disabled in pipeline expressions`, { path });
    }
  }
  if (error instanceof RegExpWorkError) {
    return limitError(path, 'timeoutMs', `its ${limits.timeoutMs} ms time budget: ${error.message} would take longer`, limits);
  }
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  const limit = typeof code === 'string' ? JSONATA_LIMITS[code] : undefined;
  if (limit === 'maxDepth') return limitError(path, limit, `its depth budget of ${limits.maxDepth} (deep or endless recursion)`, limits);
  if (limit === 'maxSequence') return limitError(path, limit, `its sequence budget of ${limits.maxSequence} items`, limits);
  if (error instanceof RangeError) {
    // the engine's own ceilings (call stack, string or array length) reached inside one step
    return new SwitchyardError('EXPRESSION_LIMIT', `${path}: expression ran out of room: ${error.message}`, { path, details: { limit: 'engine' } });
  }
  const text = typeof message === 'string' ? message : String(error);
  return new SwitchyardError('STAGE_FAILED', `${path}: expression ${JSON.stringify(source)} failed: ${text}`, { path });
}

function limitError(path: string, limit: keyof ExpressionLimits, what: string, limits: ExpressionLimits): SwitchyardError {
  return new SwitchyardError('EXPRESSION_LIMIT', `${path}: expression exceeded ${what}`, {
    path,
    details: { limit, value: limits[limit], env: EXPRESSION_LIMIT_ENV[limit] },
  });
}
