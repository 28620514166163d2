import jsonata from 'jsonata';
import { SwitchyardError } from '../errors.js';
import type { ExpressionScope } from './schema.js';

/** A compiled `input` or `when`: a function in code, or a JSONata expression from a file. */
export type Evaluator = (scope: ExpressionScope) => unknown;

/**
 * Compiles a JSONata expression once, at validation. JSONata is a sandboxed query language:
 * no eval, no Function, no access to the process; the expression sees only the scope document
 * `{ input, previous, outputs, data, goal }`.
 */
export function compileExpression(source: string, path: string): Evaluator {
  let expression: jsonata.Expression;
  try {
    expression = jsonata(source);
  } catch (error) {
    const detail = error as { message?: string; position?: number };
    throw new SwitchyardError(
      'INVALID_PIPELINE',
      `${path}: expected a JSONata expression; got ${JSON.stringify(source)} (${detail.message ?? 'syntax error'}${detail.position === undefined ? '' : ` at position ${detail.position}`})`,
      { path, expected: 'a JSONata expression', got: source },
    );
  }
  return async (scope) => {
    try {
      return await expression.evaluate(scope);
    } catch (error) {
      const message = (error as { message?: string }).message ?? String(error);
      throw new SwitchyardError('STAGE_FAILED', `${path}: expression ${JSON.stringify(source)} failed: ${message}`, { path });
    }
  };
}

export function toEvaluator(value: unknown, path: string): Evaluator | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'function') return value as Evaluator;
  return compileExpression(value as string, path);
}
