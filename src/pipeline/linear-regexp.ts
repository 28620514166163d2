import { RE2JS } from 're2js';

/**
 * JSONata's regex engine for pipeline expressions: RE2 (re2js, a pure-JS port), which matches in time linear
 * in the input, so `/(a+)+$/` on a long string cannot backtrack for hours. It looks like a global RegExp to
 * JSONata (`new Engine(regexp)`, `lastIndex`, `exec(str)` returning a match array with `index`).
 *
 * RE2 has no backreferences (`\1`) and no lookaround (`(?=`, `(?!`, `(?<=`, `(?<!`); `\d`, `\w`, `\s` and `\b`
 * are ASCII. `compileLinearRegExp` reports such a pattern when the expression is compiled.
 */
export class LinearRegExp {
  /** Most work (program size × characters scanned) one engine may do; JSONata makes one per use of a literal. */
  static maxWork = Number.POSITIVE_INFINITY;
  lastIndex = 0;
  readonly source: string;
  readonly flags: string;
  readonly global = true;
  readonly #pattern: RE2JS;
  readonly #maxWork: number;
  #work = 0;

  constructor(regexp: RegExp) {
    this.source = regexp.source;
    this.flags = regexp.flags;
    this.#pattern = compileLinearRegExp(regexp);
    this.#maxWork = new.target.maxWork;
  }

  exec(input: string): RegExpExecArray | null {
    const start = this.lastIndex;
    if (start > input.length) {
      this.lastIndex = 0;
      return null;
    }
    // Linear, but in the program size too: one synchronous call (`$match` finds every match in one) is refused
    // up front when its worst case would exceed the budget, since no clock can stop it once it runs.
    const size = this.#pattern.programSize();
    if (this.#work + size * (input.length - start) > this.#maxWork) throw new RegExpWorkError(this.toString(), size, input.length);
    const matcher = this.#pattern.matcher(input);
    if (!matcher.find(start)) {
      this.#work += size * (input.length - start);
      this.lastIndex = 0;
      return null;
    }
    this.#work += size * (matcher.end() - start);
    const count = matcher.groupCount();
    const match: (string | undefined)[] = [];
    for (let group = 0; group <= count; group++) match.push(matcher.group(group) ?? undefined);
    const result = match as RegExpExecArray;
    result.index = matcher.start();
    result.input = input;
    // a global RegExp continues after the match (JSONata reports a zero-length match that would not progress)
    this.lastIndex = matcher.end();
    return result;
  }

  test(input: string): boolean {
    return this.exec(input) !== null;
  }

  /** As written in the expression (JSONata adds the `g` flag to every literal). */
  toString(): string {
    return `/${this.source}/${this.flags.replace('g', '')}`;
  }
}

/** A match refused because its worst case exceeds the engine's work budget. */
export class RegExpWorkError extends Error {
  override readonly name = 'RegExpWorkError';
  constructor(
    readonly pattern: string,
    readonly programSize: number,
    readonly textLength: number,
  ) {
    super(`the regular expression ${pattern} (program size ${programSize}) on a text of ${textLength} characters`);
  }
}

const ENGINES = new Map<number, typeof LinearRegExp>();

/** The engine class (JSONata's `RegexEngine`) that may do at most `maxWork` per use. */
export function linearRegExpEngine(maxWork: number): typeof LinearRegExp {
  let engine = ENGINES.get(maxWork);
  if (!engine) {
    engine = class extends LinearRegExp {
      static override maxWork = maxWork;
    };
    ENGINES.set(maxWork, engine);
  }
  return engine;
}

/** Thrown for a pattern RE2 cannot run; `reason` is RE2's own message. */
export class UnsupportedRegExpError extends Error {
  override readonly name = 'UnsupportedRegExpError';
  constructor(
    readonly pattern: string,
    readonly reason: string,
  ) {
    super(`the regular expression ${pattern} is not supported: ${reason} (pipeline expressions match with RE2, which has no backreferences or lookaround)`);
  }
}

/** Compiled patterns by the RegExp object of the expression's syntax tree (JSONata constructs the engine on each evaluation). */
const COMPILED = new WeakMap<RegExp, RE2JS>();

/** The RE2 program for a JSONata regex literal (`i` and `m` flags kept), compiled once. */
export function compileLinearRegExp(regexp: RegExp): RE2JS {
  let pattern = COMPILED.get(regexp);
  if (pattern) return pattern;
  try {
    pattern = RE2JS.compile(RE2JS.translateRegExp(regexp));
  } catch (error) {
    const reason = (error as { message?: string }).message ?? String(error);
    throw new UnsupportedRegExpError(`/${regexp.source}/${regexp.flags.replace('g', '')}`, reason.replace(/^error parsing regexp: /, ''));
  }
  COMPILED.set(regexp, pattern);
  return pattern;
}
