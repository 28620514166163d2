import { SwitchyardError } from '../errors.js';

/** The environment variable that selects a shared run store for every command and hub: `postgres://...`. */
export const STORE_URL_ENV = 'SWITCHYARD_STORE_URL';

/**
 * A connection URL fit to print: the password (in the user part or a `password` query parameter) becomes `***`.
 * Text that does not parse as a URL keeps only what is before a `user:password@`.
 */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    for (const key of [...parsed.searchParams.keys()]) if (/^(password|pass|pwd)$/i.test(key)) parsed.searchParams.set(key, '***');
    return parsed.toString().replace(/%2A%2A%2A/g, '***');
  } catch {
    return url.replace(/\/\/([^:/@]*):[^@]*@/, '//$1:***@').replace(/([?&](?:password|pass|pwd)=)[^&]*/gi, '$1***');
  }
}

/** Replaces every occurrence of the URL's password (raw and percent-decoded) in `text`, for messages from a driver. */
export function scrubPassword(text: string, url: string): string {
  const secrets = new Set<string>();
  try {
    const parsed = new URL(url);
    if (parsed.password) {
      secrets.add(parsed.password);
      secrets.add(decodeURIComponent(parsed.password));
    }
    for (const [key, value] of parsed.searchParams) if (/^(password|pass|pwd)$/i.test(key) && value) secrets.add(value);
  } catch {
    const match = /\/\/[^:/@]*:([^@]*)@/.exec(url);
    if (match?.[1]) secrets.add(match[1]);
  }
  let out = text.split(url).join(redactUrl(url));
  for (const secret of secrets) if (secret.length > 0) out = out.split(secret).join('***');
  return out;
}

/** True for `postgres://` and `postgresql://` URLs. */
export function isPostgresUrl(url: string): boolean {
  return /^postgres(?:ql)?:\/\//i.test(url);
}

/**
 * The store URL in effect: the explicit option, else `SWITCHYARD_STORE_URL` (empty means unset), else undefined
 * (the embedded SQLite store). A URL of another kind is one INVALID_INPUT error that never shows its password.
 */
export function resolveStoreUrl(url?: string): string | undefined {
  const [value, path] = url !== undefined && url !== '' ? [url, 'url'] : [process.env[STORE_URL_ENV], STORE_URL_ENV];
  if (value === undefined || value === '') return undefined;
  if (!isPostgresUrl(value)) {
    throw new SwitchyardError('INVALID_INPUT', `${path}: expected a postgres:// or postgresql:// URL; got ${JSON.stringify(redactUrl(value))}`, {
      path,
      expected: 'a postgres:// or postgresql:// URL',
      got: redactUrl(value),
    });
  }
  return value;
}
