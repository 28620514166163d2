import type { Agent } from 'undici';
import { sleep, withTimeout } from 'switchyard/adapter-kit';
import { parseRetryAfter } from 'switchyard/adapter-kit';
import { SwitchyardError } from 'switchyard/adapter-kit';
import { PREFECT_API_VERSION, type ResolvedServerOptions } from './config.js';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/** Statuses Prefect (and proxies in front of it) use for "try again later". */
const RETRY_STATUSES: ReadonlySet<number> = new Set([408, 429, 502, 503]);
/** The request never reached the server: always safe to send again. */
const NOT_SENT_CODES: ReadonlySet<string> = new Set(['ECONNREFUSED', 'UND_ERR_CONNECT_TIMEOUT']);
/** The server may have acted on it: sent again only when the request is idempotent. */
const MAYBE_SENT_CODES: ReadonlySet<string> = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET']);

export interface HttpOptions extends ResolvedServerOptions {
  /** First backoff delay when the server gives no Retry-After; default 250 ms, doubled per retry. */
  readonly backoffMs?: number;
  /** Longest wait between retries, Retry-After included; default 30 s. */
  readonly maxRetryDelayMs?: number;
}

export interface RequestOptions {
  readonly body?: unknown;
  readonly signal?: AbortSignal;
  /** Statuses answered with `undefined` instead of an error (e.g. 404 for "exists?"). */
  readonly allow?: readonly number[];
  /**
   * Safe to send twice (GETs, filters, upserts). Only these are retried after a timeout or a dropped
   * connection, where the server may already have acted; 408/429/502/503 are retried for every request.
   */
  readonly idempotent?: boolean;
}

/** Requests made, by `METHOD /route` with ids replaced by `{id}`; the reporter benchmark reads it. */
export interface RequestStats {
  total: number;
  retries: number;
  readonly byRoute: Map<string, number>;
}

/**
 * The wire layer: JSON over undici with the API version header, auth, retries that honour
 * Retry-After, and Prefect's error answers turned into SwitchyardErrors carrying the server's detail.
 */
export class PrefectHttp {
  readonly stats: RequestStats = { total: 0, retries: 0, byRoute: new Map() };
  private dispatcher: Agent | undefined;
  private undici: Promise<typeof import('undici')> | undefined;
  private readonly headers: Record<string, string>;

  constructor(private readonly options: HttpOptions) {
    this.headers = {
      accept: 'application/json',
      'content-type': 'application/json',
      'x-prefect-api-version': PREFECT_API_VERSION,
      'user-agent': 'switchyard-prefect-client',
      ...(options.authorization ? { authorization: options.authorization } : {}),
    };
  }

  get baseUrl(): string {
    return this.options.url;
  }

  async request<T>(method: HttpMethod, path: string, options: RequestOptions = {}): Promise<T> {
    const url = `${this.options.url}${path}`;
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    const route = `${method} ${path.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '{id}')}`;
    const maxDelay = this.options.maxRetryDelayMs ?? 30_000;
    // undici loads on the first request, so importing the client (or the adapter barrel) stays cheap.
    const { request, Agent } = await (this.undici ??= import('undici'));
    this.dispatcher ??= new Agent({ keepAliveTimeout: 10_000, connections: 16 });
    const dispatcher = this.dispatcher;
    for (let attempt = 0; ; attempt++) {
      options.signal?.throwIfAborted();
      this.stats.total++;
      this.stats.byRoute.set(route, (this.stats.byRoute.get(route) ?? 0) + 1);
      const signal = withTimeout(options.signal, this.options.timeoutMs)!;
      let status: number;
      let text: string;
      let retryAfter: string | undefined;
      try {
        const response = await request(url, { method, headers: this.headers, body, signal, dispatcher });
        status = response.statusCode;
        text = await response.body.text();
        const header = response.headers['retry-after'];
        retryAfter = Array.isArray(header) ? header[0] : header;
      } catch (error) {
        if (options.signal?.aborted) throw new SwitchyardError('CANCELLED', `${method} ${url}: cancelled`, { cause: error });
        const code = (error as { code?: string }).code ?? '';
        const timedOut = (error as Error).name === 'TimeoutError' || (error as { code?: string }).code === 'UND_ERR_ABORTED';
        const idempotent = options.idempotent ?? method === 'GET';
        const retryable = NOT_SENT_CODES.has(code) || ((MAYBE_SENT_CODES.has(code) || timedOut) && idempotent);
        if (retryable && attempt < this.options.retries) {
          await this.pause(backoff(attempt, this.options.backoffMs), options.signal);
          continue;
        }
        throw new SwitchyardError('REMOTE_ERROR', `Prefect API ${method} ${url}: ${timedOut ? `no answer within ${this.options.timeoutMs} ms` : (error as Error).message}`, {
          cause: error,
          details: { url, method, code },
        });
      }
      if (status >= 200 && status < 300) return (text === '' ? undefined : JSON.parse(text)) as T;
      if (options.allow?.includes(status)) return undefined as T;
      if (RETRY_STATUSES.has(status) && attempt < this.options.retries) {
        const delay = Math.min(maxDelay, parseRetryAfter(retryAfter) ?? backoff(attempt, this.options.backoffMs));
        await this.pause(delay, options.signal);
        continue;
      }
      throw httpError(method, url, path, status, text);
    }
  }

  async close(): Promise<void> {
    const dispatcher = this.dispatcher;
    this.dispatcher = undefined;
    await dispatcher?.close();
  }

  private async pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
    this.stats.retries++;
    await sleep(ms, signal);
  }
}

function backoff(attempt: number, first = 250): number {
  return Math.min(30_000, first * 2 ** attempt) * (0.75 + Math.random() * 0.5);
}

/** FastAPI's 422 detail is a list of `{ loc, msg }`; other errors carry a string detail. */
export function formatDetail(text: string): { message: string; detail: unknown } {
  let detail: unknown = text;
  try {
    const body = JSON.parse(text) as { detail?: unknown; exception_detail?: unknown };
    // FastAPI says `detail`; Prefect's validation handler says `exception_detail`.
    detail = body.detail ?? body.exception_detail ?? body;
  } catch {
    // not JSON: keep the text
  }
  if (Array.isArray(detail)) {
    const parts = detail.map((item: { loc?: unknown[]; msg?: string }) => {
      const loc = Array.isArray(item.loc) ? item.loc.filter((part) => part !== 'body').join('.') : '';
      return loc ? `${loc}: ${item.msg ?? 'invalid'}` : (item.msg ?? JSON.stringify(item));
    });
    return { message: parts.join('; '), detail };
  }
  return { message: typeof detail === 'string' ? detail : JSON.stringify(detail), detail };
}

function httpError(method: string, url: string, path: string, status: number, text: string): SwitchyardError {
  const { message, detail } = formatDetail(text);
  const details = { status, method, url, detail };
  const what = `Prefect API ${method} ${path}`;
  if (status === 422) {
    return new SwitchyardError('INVALID_INPUT', `${what} rejected the request (422): ${message}`, { path, expected: 'a body the Prefect API accepts', details });
  }
  if (status === 409) return new SwitchyardError('REMOTE_ERROR', `${what} conflict (409): ${message}`, { details });
  if (status === 404) return new SwitchyardError('NOT_FOUND', `${what} not found (404): ${message}`, { details });
  if (status === 401 || status === 403) {
    return new SwitchyardError('REMOTE_ERROR', `${what} refused (${status}): ${message}; check PREFECT_API_KEY or PREFECT_API_AUTH_STRING`, { details });
  }
  return new SwitchyardError('REMOTE_ERROR', `${what} failed (${status}): ${message}`, { details });
}
