import jsonata from 'jsonata';
import { didYouMean } from '../did-you-mean.js';
import { SwitchyardError, type ValidationIssue } from '../errors.js';

/** One `outputs.<id>` in an expression: the stage id it names and its position (JSONata's: the end of the name). */
export interface OutputReference {
  readonly id: string;
  readonly position?: number;
}

interface AstNode {
  readonly type?: string;
  readonly value?: unknown;
  readonly position?: number;
  readonly steps?: readonly AstNode[];
}

/**
 * The `outputs.<id>` references of a JSONata expression, found in its syntax tree: every path whose first two steps
 * are the names `outputs` and `<id>` (`outputs.checks.perf`, ``outputs.`my-stage` ``). Empty when the source does not
 * parse (its syntax error is reported where it is compiled).
 */
export function outputReferences(source: string): OutputReference[] {
  let ast: unknown;
  try {
    ast = jsonata(source).ast();
  } catch {
    return [];
  }
  const found: OutputReference[] = [];
  const seen = new Set<unknown>();
  const walk = (node: unknown): void => {
    if (typeof node !== 'object' || node === null || seen.has(node)) return;
    seen.add(node);
    if (Array.isArray(node)) {
      for (const item of node) walk(item);
      return;
    }
    const n = node as AstNode;
    if (n.type === 'path' && Array.isArray(n.steps)) {
      const [first, second] = n.steps;
      if (first?.type === 'name' && first.value === 'outputs' && second?.type === 'name' && typeof second.value === 'string') {
        found.push({ id: second.value, ...(second.position === undefined ? {} : { position: second.position }) });
      }
    }
    for (const value of Object.values(node)) walk(value);
  };
  walk(ast);
  return found;
}

/**
 * Checks that every `outputs.<id>` in `source` names a stage of the pipeline (`stageIds`: every stage, group and
 * branch id): a typo there validates as JSONata and would silently read nothing at run time. Throws one
 * INVALID_PIPELINE error with an issue per unknown id, each with a did-you-mean where one is close.
 */
export function checkOutputReferences(source: string, path: string, stageIds: readonly string[]): void {
  const known = new Set(stageIds);
  const unknown = outputReferences(source).filter((ref) => !known.has(ref.id));
  if (unknown.length === 0) return;
  const expected = stageIds.length > 0 ? `outputs.<id> to name a stage of the pipeline (${stageIds.join(', ')})` : 'outputs.<id> to name a stage of the pipeline';
  const issues: ValidationIssue[] = unknown.map((ref) => {
    const hint = didYouMean(ref.id, stageIds);
    const quoted = / \(did you mean (".*")\?\)$/.exec(hint)?.[1];
    return {
      path,
      message: `${path}: expected ${expected}; got ${JSON.stringify(`outputs.${ref.id}`)}${hint}`,
      expected,
      got: `outputs.${ref.id}`,
      ...(quoted === undefined ? {} : { suggestion: JSON.parse(quoted) as string }),
    };
  });
  const first = issues[0]!;
  throw new SwitchyardError('INVALID_PIPELINE', first.message, { path, expected, got: first.got, issues });
}
