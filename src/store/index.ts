import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { RUN_STORE_FILE, resolveHome } from './home.js';
import { resolveStoreUrl } from './store-url.js';
import type { RunStore } from './types.js';

export { RUN_STORE_FILE, resolveHome } from './home.js';
export { STORE_URL_ENV, redactUrl } from './store-url.js';
export { leaseOwner } from './leases.js';
export type * from './types.js';

export interface OpenRunStoreOptions {
  /** The switchyard home (for the embedded SQLite store): else `SWITCHYARD_HOME`, else `./.switchyard`. */
  readonly home?: string;
  /** `postgres://...` selects the shared PostgreSQL store; else `SWITCHYARD_STORE_URL`; else SQLite under `home`. */
  readonly url?: string;
  /** PostgreSQL only: a schema of its own instead of the connection's search_path. */
  readonly schema?: string;
}

const optionsOf = (options?: string | OpenRunStoreOptions): OpenRunStoreOptions => (typeof options === 'string' ? { home: options } : (options ?? {}));

/**
 * The run store: PostgreSQL when a URL is given or `SWITCHYARD_STORE_URL` is set (shared by every process and
 * machine using it), else the embedded SQLite store at `<home>/switchyard.sqlite` (home: the option,
 * `SWITCHYARD_HOME`, or `./.switchyard`). `openRunStore(home)` is `openRunStore({ home })`.
 */
export async function openRunStore(options?: string | OpenRunStoreOptions): Promise<RunStore> {
  const { home, url, schema } = optionsOf(options);
  const storeUrl = resolveStoreUrl(url);
  if (storeUrl !== undefined) {
    const { openPostgresRunStore } = await import('./postgres.js');
    return openPostgresRunStore({ url: storeUrl, ...(schema !== undefined ? { schema } : {}) });
  }
  const { openSqliteRunStore } = await import('./sqlite.js');
  return openSqliteRunStore(resolveHome(home));
}

/**
 * The run store if it exists, else undefined: for commands that only read or change what is stored, so a lookup in
 * a fresh home (or a rejected one) writes no files. A PostgreSQL store (URL option or `SWITCHYARD_STORE_URL`) is
 * a server that exists already: it is always opened.
 */
export async function openExistingRunStore(options?: string | OpenRunStoreOptions): Promise<RunStore | undefined> {
  const resolved = optionsOf(options);
  if (resolveStoreUrl(resolved.url) !== undefined) return openRunStore(resolved);
  return existsSync(join(resolveHome(resolved.home), RUN_STORE_FILE)) ? openRunStore(resolved) : undefined;
}
