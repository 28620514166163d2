import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { isSwitchyardError, type ErrorCode, type ValidationIssue } from '../errors.js';

/**
 * Errors as RFC 9457 problem details (`application/problem+json`): `type`, `title`, `status`, `detail`, `instance`,
 * plus `code` (the SwitchyardError code, when there is one) and `issues` (one entry per bad path). A stack trace is never
 * sent: an unexpected error is a 500 problem carrying a correlation id, and the error itself is logged on stderr.
 */

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** One entry of `issues`: where, what is wrong, and what was expected and found there. */
export interface ProblemIssue {
  readonly path: string;
  readonly message: string;
  readonly expected?: string;
  readonly got?: unknown;
  readonly suggestion?: string;
}

export interface ProblemBody {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly instance: string;
  readonly code?: string;
  readonly issues?: readonly ProblemIssue[];
  readonly correlationId?: string;
  readonly [extension: string]: unknown;
}

/** Problem types by slug: the title each one carries (the docs page lists them at `/api/docs#problem-<slug>`). */
export const PROBLEM_TYPES = {
  'invalid-request': 'The request is not valid',
  'invalid-pipeline': 'The pipeline is not valid',
  unauthorized: 'An API key is required',
  'not-found': 'No such resource',
  conflict: 'The resource is in a state that does not allow this',
  'idempotency-key-reused': 'The Idempotency-Key was used with another request body',
  'payload-too-large': 'The request body is too large',
  'rate-limited': 'Too many requests',
  'too-many-runs': 'Too many runs in flight',
  'unsupported-media-type': 'The request body must be JSON',
  'method-not-allowed': 'Method not allowed',
  'service-unavailable': 'The service cannot do this now',
  'upstream-error': 'A server this one depends on answered with an error',
  timeout: 'The operation timed out',
  internal: 'Unexpected error',
} as const;

export type ProblemType = keyof typeof PROBLEM_TYPES;

/** The problem type URI: a relative reference to its entry on the docs page. */
export const problemTypeUri = (slug: ProblemType): string => `/api/docs#problem-${slug}`;

/** A problem a route raises on purpose: thrown, then answered by the app's error handler. */
export class HttpProblem extends Error {
  override readonly name = 'HttpProblem';
  readonly status: number;
  readonly slug: ProblemType;
  readonly issues: readonly ProblemIssue[] | undefined;
  readonly headers: Readonly<Record<string, string>>;
  readonly extensions: Readonly<Record<string, unknown>>;

  constructor(status: number, slug: ProblemType, detail: string, options: { issues?: readonly ProblemIssue[]; headers?: Record<string, string>; extensions?: Record<string, unknown> } = {}) {
    super(detail);
    this.status = status;
    this.slug = slug;
    this.issues = options.issues;
    this.headers = options.headers ?? {};
    this.extensions = options.extensions ?? {};
  }
}

/** HTTP status for each SwitchyardError code; a code not listed is 400 when it is a user's mistake, else 500. */
const STATUS_BY_CODE: Partial<Record<ErrorCode, number>> = {
  INVALID_INPUT: 400,
  INVALID_PIPELINE: 400,
  INVALID_PROFILE: 400,
  UNKNOWN_ORCHESTRATOR: 400,
  EXPRESSION_LIMIT: 400,
  NOT_FOUND: 404,
  CONFLICT: 409,
  CANCELLED: 409,
  MODEL_NOT_CONFIGURED: 503,
  REMOTE_ERROR: 502,
  TIMEOUT: 504,
};

const SLUG_BY_STATUS: Readonly<Record<number, ProblemType>> = {
  400: 'invalid-request',
  401: 'unauthorized',
  404: 'not-found',
  405: 'method-not-allowed',
  409: 'conflict',
  413: 'payload-too-large',
  415: 'unsupported-media-type',
  422: 'idempotency-key-reused',
  429: 'rate-limited',
  502: 'upstream-error',
  503: 'service-unavailable',
  504: 'timeout',
};

/** The status a SwitchyardError code answers with. */
export function statusForCode(code: ErrorCode, userError: boolean): number {
  return STATUS_BY_CODE[code] ?? (userError ? 400 : 500);
}

/** The issues of an error: `error.issues`, else one issue built from its path, message, expected and got. */
export function issuesOf(error: { readonly issues?: readonly ValidationIssue[]; readonly path?: string | undefined; readonly message: string; readonly expected?: string | undefined; readonly got?: unknown }): ProblemIssue[] {
  if (error.issues && error.issues.length > 0) return error.issues.map((issue) => ({ ...issue }));
  if (error.path === undefined) return [];
  return [
    {
      path: error.path,
      message: error.message,
      ...(error.expected === undefined ? {} : { expected: error.expected }),
      ...(error.got === undefined ? {} : { got: error.got }),
    },
  ];
}

/** Issues of a part of the request (`pipeline` in a run request): each path and message gets the prefix. */
export function prefixIssues(issues: readonly ProblemIssue[], prefix: string): ProblemIssue[] {
  if (!prefix) return [...issues];
  return issues.map((issue) => {
    const path = issue.path === '' ? prefix : /^[[]/.test(issue.path) ? `${prefix}${issue.path}` : `${prefix}.${issue.path}`;
    const message = issue.path !== '' && issue.message.startsWith(issue.path) ? `${path}${issue.message.slice(issue.path.length)}` : `${path}: ${issue.message}`;
    return { ...issue, path, message };
  });
}

export interface ProblemContext {
  /** The request path, as `instance`. */
  readonly instance: string;
  /** The request id, sent as `correlationId` with 500 problems (and logged with the error). */
  readonly requestId: string;
  /** Where unexpected errors are logged (stderr by default). */
  readonly log: (line: string) => void;
}

/** Any thrown value as a problem: what it says to the client, and the headers to add. */
export function problemOf(error: unknown, context: ProblemContext): { body: ProblemBody; headers: Record<string, string> } {
  const base = { instance: context.instance };
  if (error instanceof HttpProblem) {
    return {
      body: {
        ...error.extensions,
        type: problemTypeUri(error.slug),
        title: PROBLEM_TYPES[error.slug],
        status: error.status,
        detail: error.message,
        ...base,
        ...(error.issues ? { issues: error.issues } : {}),
      },
      headers: { ...error.headers },
    };
  }
  if (isSwitchyardError(error) && error.isUserError) {
    const status = statusForCode(error.code, true);
    const slug: ProblemType = error.code === 'INVALID_PIPELINE' || (status === 400 && error.issues.length > 1) ? 'invalid-pipeline' : (SLUG_BY_STATUS[status] ?? 'invalid-request');
    const issues = issuesOf(error);
    return {
      body: { type: problemTypeUri(slug), title: PROBLEM_TYPES[slug], status, detail: error.message, ...base, code: error.code, ...(issues.length > 0 ? { issues } : {}) },
      headers: {},
    };
  }
  if (error instanceof HTTPException && error.status < 500) {
    const slug = SLUG_BY_STATUS[error.status] ?? 'invalid-request';
    return { body: { type: problemTypeUri(slug), title: PROBLEM_TYPES[slug], status: error.status, detail: error.message || PROBLEM_TYPES[slug], ...base }, headers: {} };
  }
  if (isSwitchyardError(error) && STATUS_BY_CODE[error.code] !== undefined) {
    // An engine or remote failure the client can act on (retry later): its code and message, never its stack.
    const status = STATUS_BY_CODE[error.code]!;
    const slug = SLUG_BY_STATUS[status] ?? 'internal';
    context.log(`[${context.requestId}] ${error.code}: ${error.message}`);
    return { body: { type: problemTypeUri(slug), title: PROBLEM_TYPES[slug], status, detail: error.message, ...base, code: error.code, correlationId: context.requestId }, headers: {} };
  }
  const stack = error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : String(error);
  context.log(`[${context.requestId}] unexpected error answering ${context.instance}: ${stack}`);
  return {
    body: {
      type: problemTypeUri('internal'),
      title: PROBLEM_TYPES.internal,
      status: 500,
      detail: `an unexpected error occurred; quote correlation id ${context.requestId} when reporting it`,
      ...base,
      correlationId: context.requestId,
    },
    headers: {},
  };
}

/** A problem answer. */
export function problemResponse(c: Context, body: ProblemBody, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status: body.status,
    headers: { 'content-type': PROBLEM_CONTENT_TYPE, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', ...requestIdHeader(c), ...headers },
  });
}

function requestIdHeader(c: Context): Record<string, string> {
  const id = c.get('requestId' as never) as unknown;
  return typeof id === 'string' ? { 'x-request-id': id } : {};
}

/** Throwable shorthands for the problems routes raise. */
export const problems = {
  notFound: (detail: string) => new HttpProblem(404, 'not-found', detail),
  conflict: (detail: string, extensions?: Record<string, unknown>) => new HttpProblem(409, 'conflict', detail, extensions ? { extensions } : {}),
  invalid: (path: string, detail: string, extra: Omit<ProblemIssue, 'path' | 'message'> = {}) => new HttpProblem(400, 'invalid-request', detail, { issues: [{ path, message: detail, ...extra }] }),
  tooMany: (slug: 'rate-limited' | 'too-many-runs', detail: string, retryAfterSeconds: number) =>
    new HttpProblem(429, slug, detail, { headers: { 'retry-after': String(Math.max(1, Math.ceil(retryAfterSeconds))) }, extensions: { retryAfter: Math.max(1, Math.ceil(retryAfterSeconds)) } }),
};
