import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import type { MiddlewareHandler } from 'hono';
import { SwitchyardError, invalidInput } from '../errors.js';
import { HttpProblem } from './problems.js';

/**
 * API keys: `Authorization: Bearer <key>`, compared in constant time (SHA-256 of the presented key against the
 * SHA-256 of every configured key with `timingSafeEqual`, all of them every time, so neither the key nor which
 * one matched shows in the timing). The middleware is reusable by anything mounted on the server (`/mcp`, the dashboard).
 */

/** The environment variable holding API keys, comma-separated. */
export const API_KEYS_ENV = 'SWITCHYARD_API_KEYS';

/** The shortest key accepted: a key is a secret, not a password to remember. */
export const MIN_KEY_LENGTH = 16;

export interface ApiKeys {
  /** How many keys are configured: 0 means the server runs without authentication (loopback only). */
  readonly size: number;
  /** The principal (`key-<8 hex digits of its hash>`) a presented key belongs to, or undefined. */
  match(presented: string): string | undefined;
}

const sha256 = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/** The key set; each key is checked for length and for characters a header can carry. */
export function apiKeys(keys: readonly string[], source = API_KEYS_ENV): ApiKeys {
  const hashed = keys.map((key, i) => {
    if (key.length < MIN_KEY_LENGTH) throw invalidInput(`${source}[${i}]`, `an API key of at least ${MIN_KEY_LENGTH} characters (generate one with: openssl rand -hex 32)`, `${key.length} characters`);
    if (!/^[\x21-\x7e]+$/.test(key)) throw invalidInput(`${source}[${i}]`, 'an API key of printable ASCII characters without spaces', 'other characters');
    const digest = sha256(key);
    return { digest, principal: `key-${digest.toString('hex').slice(0, 8)}` };
  });
  return {
    size: hashed.length,
    match(presented) {
      const digest = sha256(presented);
      let found: string | undefined;
      for (const key of hashed) if (timingSafeEqual(digest, key.digest) && found === undefined) found = key.principal;
      return found;
    },
  };
}

/** Keys from `SWITCHYARD_API_KEYS` (comma-separated) and a key file (one key a line; blank lines and `#` comments skipped). */
export function loadApiKeys(options: { env?: Readonly<Record<string, string | undefined>>; keyFile?: string } = {}): string[] {
  const env = options.env ?? process.env;
  const fromEnv = (env[API_KEYS_ENV] ?? '').split(',').map((key) => key.trim()).filter((key) => key !== '');
  let fromFile: string[] = [];
  if (options.keyFile !== undefined) {
    let text: string;
    try {
      text = readFileSync(options.keyFile, 'utf8');
    } catch (error) {
      throw invalidInput('--key-file', 'a readable file with one API key a line', `${options.keyFile} (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})`);
    }
    fromFile = text.split(/\r?\n/).map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('#'));
    if (fromFile.length === 0) throw invalidInput('--key-file', 'a file with at least one API key', `${options.keyFile} (no keys in it)`);
  }
  return [...new Set([...fromEnv, ...fromFile])];
}

/** True for addresses only this machine reaches: 127.0.0.0/8, ::1 (and its IPv4-mapped form), `localhost`. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (bare === 'localhost' || bare.endsWith('.localhost')) return true;
  if (isIP(bare) === 4) return bare.startsWith('127.');
  if (isIP(bare) === 6) {
    // The URL parser writes an IPv6 address in its shortest form: 0:0:0:0:0:0:0:1 is [::1], ::ffff:127.0.0.1 is [::ffff:7f00:1].
    const canonical = new URL(`http://[${bare}]/`).hostname;
    return canonical === '[::1]' || /^\[::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}\]$/.test(canonical);
  }
  return false;
}

/** Refuses to listen beyond loopback without keys: one INVALID_INPUT error naming `--host`. */
export function assertBindable(host: string, keys: ApiKeys): void {
  if (keys.size === 0 && !isLoopbackHost(host)) {
    throw new SwitchyardError(
      'INVALID_INPUT',
      `--host ${host}: expected a loopback address (127.0.0.1, ::1, localhost) when no API keys are set; set ${API_KEYS_ENV} or --key-file to listen on other addresses`,
      { path: '--host', expected: 'a loopback address without API keys', got: host },
    );
  }
}

/** The variables the auth middleware sets: who is calling (`anonymous` without keys). */
export interface AuthVariables {
  principal: string;
}

/**
 * Requires `Authorization: Bearer <key>` when keys are configured (401 problem otherwise, with `WWW-Authenticate`);
 * sets `principal`. Without keys every request is `anonymous` (the server then listens on loopback only).
 */
export function requireApiKey<E extends { Variables: AuthVariables } = { Variables: AuthVariables }>(keys: ApiKeys): MiddlewareHandler<E> {
  return async (c, next) => {
    if (keys.size === 0) {
      c.set('principal', 'anonymous');
      return next();
    }
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer[ ]+([^\s]+)\s*$/i.exec(header);
    const principal = match ? keys.match(match[1]!) : undefined;
    if (!principal) {
      throw new HttpProblem(401, 'unauthorized', header === '' ? 'send an API key as Authorization: Bearer <key>' : 'the API key is not valid', {
        headers: { 'www-authenticate': `Bearer realm="switchyard"${header === '' ? '' : ', error="invalid_token"'}` },
      });
    }
    c.set('principal', principal);
    return next();
  };
}
