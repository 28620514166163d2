/**
 * Old spellings in pipeline files keep working for one release: a schema translates them to the current shape
 * and marks the translated value with `markDeprecated`. After parsing, `collectDeprecations` finds the marks and
 * names each one by its full path (`stages[2].task.workflow.nodes[0].retry: deprecated, use retry: { attempts: 4 }`);
 * the prepared pipeline lists them as `warnings`, and `announceDeprecations` tells the user.
 */

/** One old spelling found in a pipeline. */
export interface Deprecation {
  /** Where the old spelling is, e.g. `stages[0].task.retry` or `agents.writer.retries`. */
  readonly path: string;
  /** What to write instead: `deprecated, use retry: { attempts: 4 }`. */
  readonly message: string;
  /** Which old spelling this is (`prefect.retry`, `agno.retries`): process warnings are emitted once per spelling. */
  readonly spelling: string;
}

interface Mark {
  /** The key under the marked object that holds the old spelling; '' for the marked value itself. */
  readonly field: string;
  readonly message: string;
  readonly spelling: string;
}

const MARKS: unique symbol = Symbol.for('switchyard.deprecated');
/** Whether any value was ever marked: until then collecting costs nothing. */
let anyMarked = false;

/**
 * Records on `value` (a parsed object) that it was translated from an old spelling. `field` names the old key
 * under `value` (`retries` on an agent), or is '' when `value` itself replaced the old spelling.
 * Returns `value`, so a schema's `.transform` can end with it.
 */
export function markDeprecated<T extends object>(value: T, field: string, message: string, spelling: string): T {
  const existing = (value as { [MARKS]?: Mark[] })[MARKS];
  if (existing) existing.push({ field, message, spelling });
  else Object.defineProperty(value, MARKS, { value: [{ field, message, spelling }], enumerable: false, configurable: true });
  anyMarked = true;
  return value;
}

/** Every mark under `value` (plain objects and arrays only), named from `base`. */
export function collectDeprecations(value: unknown, base: string): Deprecation[] {
  if (!anyMarked) return [];
  const found: Deprecation[] = [];
  const seen = new Set<object>();
  // Depth-first with an explicit stack (children pushed in reverse, so the order is the recursive one): a document
  // nested thousands of levels deep cannot overflow the call stack here.
  const stack: [unknown, string][] = [[value, base]];
  while (stack.length > 0) {
    const [node, path] = stack.pop()!;
    if (typeof node !== 'object' || node === null || seen.has(node)) continue;
    seen.add(node);
    if (Array.isArray(node)) {
      for (let i = node.length - 1; i >= 0; i--) stack.push([node[i], `${path}[${i}]`]);
      continue;
    }
    const proto = Object.getPrototypeOf(node) as unknown;
    if (proto !== Object.prototype && proto !== null) continue;
    for (const mark of (node as { [MARKS]?: Mark[] })[MARKS] ?? []) {
      found.push({ path: mark.field ? join(path, mark.field) : path, message: mark.message, spelling: mark.spelling });
    }
    const entries = Object.entries(node);
    for (let i = entries.length - 1; i >= 0; i--) stack.push([entries[i]![1], join(path, entries[i]![0])]);
  }
  return found;
}

const join = (path: string, key: string) => (path === '' ? key : `${path}.${key}`);

/** `stages[0].task.retry: deprecated, use retry: { attempts: 4 }`. */
export function formatDeprecation(deprecation: Deprecation): string {
  return `${deprecation.path}: ${deprecation.message}`;
}

type DeprecationListener = (warning: string, deprecation: Deprecation) => void;

let listener: DeprecationListener | undefined;
const emittedSpellings = new Set<string>();
const told = new Set<string>();

/**
 * Sends deprecations somewhere other than `process.emitWarning`: the CLI prints them as `warning: ...` lines.
 * One listener at a time (setting it again replaces it and forgets what was told); `undefined` restores process warnings.
 */
export function onDeprecation(next: DeprecationListener | undefined): void {
  listener = next;
  told.clear();
}

/**
 * Tells the user about the deprecations of a prepared pipeline: to the listener (once per message per process),
 * else as a `DeprecationWarning` with code `SWITCHYARD_DEPRECATED`, once per spelling per process.
 */
export function announceDeprecations(deprecations: readonly Deprecation[]): void {
  for (const deprecation of deprecations) {
    const warning = formatDeprecation(deprecation);
    if (listener) {
      if (told.has(warning)) continue;
      told.add(warning);
      listener(warning, deprecation);
      continue;
    }
    if (emittedSpellings.has(deprecation.spelling)) continue;
    emittedSpellings.add(deprecation.spelling);
    process.emitWarning(warning, { type: 'DeprecationWarning', code: 'SWITCHYARD_DEPRECATED' });
  }
}
