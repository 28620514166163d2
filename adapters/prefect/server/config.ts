import { SwitchyardError } from 'switchyard/adapter-kit';
import type { ServerOptions } from './schema.js';

/** The API version this client speaks (Prefect 3's `SERVER_API_VERSION`), sent as `X-PREFECT-API-VERSION`. */
export const PREFECT_API_VERSION = '0.8.4';

export interface ResolvedServerOptions {
  /** Base URL with `/api` and no trailing slash. */
  readonly url: string;
  readonly authorization?: string;
  readonly timeoutMs: number;
  readonly retries: number;
}

/** Applies defaults once: explicit options first, then `PREFECT_API_URL`, `PREFECT_API_KEY`, `PREFECT_API_AUTH_STRING`. */
export function resolveServerOptions(options: ServerOptions = {}, env: NodeJS.ProcessEnv = process.env): ResolvedServerOptions {
  const url = options.url ?? env.PREFECT_API_URL;
  if (!url) {
    throw new SwitchyardError('INVALID_INPUT', 'no Prefect API URL: set PREFECT_API_URL (e.g. http://127.0.0.1:4200/api) or pass server.url', {
      path: 'server.url',
      expected: 'a URL such as http://127.0.0.1:4200/api',
    });
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new SwitchyardError('INVALID_INPUT', `server.url: expected an http(s) URL; got ${JSON.stringify(url)}`, { path: 'server.url', got: url });
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new SwitchyardError('INVALID_INPUT', `server.url: expected an http(s) URL; got ${JSON.stringify(url)}`, { path: 'server.url', got: url });
  }
  const apiKey = options.apiKey ?? env.PREFECT_API_KEY;
  const authString = options.authString ?? env.PREFECT_API_AUTH_STRING;
  const authorization = apiKey
    ? `Bearer ${apiKey}`
    : authString
      ? `Basic ${Buffer.from(authString, 'utf8').toString('base64')}`
      : undefined;
  return {
    url: url.replace(/\/+$/, ''),
    ...(authorization ? { authorization } : {}),
    timeoutMs: options.timeoutMs ?? 30_000,
    retries: options.retries ?? 5,
  };
}
