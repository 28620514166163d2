/**
 * One base error with a closed union of codes.
 * `isUserError` separates a user's mistake (bad input: exit code 2, no stack trace)
 * from an internal fault or an engine failure.
 */
export const ERROR_CODES = {
  INVALID_INPUT: { user: true, hint: 'check the value named by the path' },
  INVALID_PIPELINE: { user: true, hint: 'run `switchyard validate FILE` and fix the named path' },
  INVALID_PROFILE: { user: true, hint: 'compare the profile with schemas/profile.schema.json' },
  UNKNOWN_ORCHESTRATOR: { user: true, hint: 'run `switchyard profiles` for the registered types' },
  NOT_FOUND: { user: true, hint: 'run `switchyard runs list` to see what exists' },
  MODEL_NOT_CONFIGURED: { user: true, hint: 'set OPENAI_API_KEY (and OPENAI_BASE_URL) or OLLAMA_HOST' },
  CONFLICT: { user: true, hint: 'the resource is in a state that does not allow this' },
  STAGE_FAILED: { user: false, hint: 'see the stage error and the run history' },
  TIMEOUT: { user: false, hint: 'raise timeoutMs or make the stage faster' },
  EXPRESSION_LIMIT: { user: true, hint: 'simplify the expression, or have the operator raise the limit (expressionLimits, SWITCHYARD_EXPRESSION_*)' },
  CANCELLED: { user: false, hint: 'the run was cancelled by its AbortSignal or deadline' },
  ENGINE_ERROR: { user: false, hint: 'the engine reported an error' },
  REMOTE_ERROR: { user: false, hint: 'a remote server answered with an error' },
  REJECTED: { user: true, hint: 'an approver rejected the run: `switchyard runs show RUN_ID` shows who and why' },
  INTERNAL: { user: false, hint: 'this is a bug in switchyard; please report it' },
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/** One problem found while validating: where it is, what was expected there, what was found, and a likely fix. */
export interface ValidationIssue {
  /** Field path such as `stages[2].type` (`''` for the document itself). */
  readonly path: string;
  /** The whole line as it is reported on its own: `stages[2].type: expected one of ...; got "langraph" (did you mean "langgraph"?)`. */
  readonly message: string;
  readonly expected?: string;
  readonly got?: unknown;
  /** The did-you-mean candidate, when one is close enough to be a typo. */
  readonly suggestion?: string;
}

/** How many issues a message lists before `and N more`. */
export const ISSUE_LINES = 20;

export interface SwitchyardErrorOptions {
  /** Field path such as `stages[2].type`. */
  path?: string;
  /** What was expected at `path`. */
  expected?: string;
  /** What was found at `path`. */
  got?: unknown;
  /** The file the error is about, when there is one. */
  file?: string;
  cause?: unknown;
  /** Extra machine-readable detail. */
  details?: Record<string, unknown>;
  /** Every problem found (validation goes on after the first); default: this error's own path, message, expected and got. */
  issues?: readonly ValidationIssue[];
}

export class SwitchyardError extends Error {
  override readonly name: string = 'SwitchyardError';
  readonly code: ErrorCode;
  readonly path: string | undefined;
  readonly expected: string | undefined;
  readonly got: unknown;
  readonly file: string | undefined;
  readonly details: Record<string, unknown> | undefined;
  /** Every problem found, the first being the one `path`, `expected` and `got` describe; [] for an error not about a path. */
  readonly issues: readonly ValidationIssue[];

  constructor(code: ErrorCode, message: string, options: SwitchyardErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.path = options.path;
    this.expected = options.expected;
    this.got = options.got;
    this.file = options.file;
    this.details = options.details;
    this.issues = options.issues ?? (options.path === undefined ? [] : [issueOf(message, options.path, options.expected, options.got)]);
  }

  get isUserError(): boolean {
    return ERROR_CODES[this.code].user;
  }

  get hint(): string {
    return ERROR_CODES[this.code].hint;
  }

  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      ...(this.path === undefined ? {} : { path: this.path }),
      ...(this.expected === undefined ? {} : { expected: this.expected }),
      ...(this.got === undefined ? {} : { got: this.got }),
      ...(this.file === undefined ? {} : { file: this.file }),
      ...(this.details === undefined ? {} : { details: this.details }),
      ...(this.issues.length === 0 ? {} : { issues: this.issues }),
    };
  }
}

function issueOf(message: string, path: string, expected: string | undefined, got: unknown): ValidationIssue {
  const suggestion = /\(did you mean ("(?:[^"\\]|\\.)*")\?\)/.exec(message)?.[1];
  return {
    path,
    message,
    ...(expected === undefined ? {} : { expected }),
    ...(got === undefined ? {} : { got }),
    ...(suggestion === undefined ? {} : { suggestion: JSON.parse(suggestion) as string }),
  };
}

/** The issue lines of a report: one per issue, each starting with its path, at most `limit` then `and N more`. */
export function issueLines(issues: readonly ValidationIssue[], limit = ISSUE_LINES, indent = '  '): string[] {
  const lines = issues.slice(0, limit).map((issue) => {
    const text = issue.message.replace(/\s*\n\s*/g, ' ');
    return `${indent}${issue.path && !text.startsWith(issue.path) ? `${issue.path}: ` : ''}${text}`;
  });
  if (issues.length > limit) lines.push(`${indent}and ${issues.length - limit} more`);
  return lines;
}

/** One issue: its message as is. Several: `N problems in <subject>:` and one line per issue. */
export function issuesMessage(issues: readonly ValidationIssue[], subject = 'the pipeline'): string {
  if (issues.length === 1) return issues[0]!.message;
  return [`${issues.length} problems in ${subject}:`, ...issueLines(issues)].join('\n');
}

/** A user's mistake in some input: names the path, what was expected and what was found. */
export function invalidInput(path: string, expected: string, got?: unknown, code: ErrorCode = 'INVALID_INPUT'): SwitchyardError {
  const gotText = got === undefined ? '' : `; got ${describeValue(got)}`;
  return new SwitchyardError(code, `${path}: expected ${expected}${gotText}`, { path, expected, got });
}

export function isSwitchyardError(error: unknown): error is SwitchyardError {
  return error instanceof SwitchyardError;
}

/** Normalises anything thrown into a SwitchyardError, keeping the original as the cause. */
export function toSwitchyardError(error: unknown, fallback: ErrorCode = 'ENGINE_ERROR'): SwitchyardError {
  if (error instanceof SwitchyardError) return error;
  if (error instanceof Error) {
    if (error.name === 'AbortError') return new SwitchyardError('CANCELLED', error.message || 'cancelled', { cause: error });
    if (error.name === 'TimeoutError') return new SwitchyardError('TIMEOUT', error.message || 'timed out', { cause: error });
    return new SwitchyardError(fallback, error.message, { cause: error });
  }
  return new SwitchyardError(fallback, String(error));
}

export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'object') return 'object';
  return String(value);
}
