import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { RUN_STORE_FILE, resolveHome } from './home.js';
import type { RunStore } from './types.js';

export { RUN_STORE_FILE, resolveHome } from './home.js';
export type * from './types.js';

/** The embedded default run store: SQLite at `<home>/switchyard.sqlite` (home: option, `SWITCHYARD_HOME`, or `./.switchyard`). */
export async function openRunStore(home?: string): Promise<RunStore> {
  const { openSqliteRunStore } = await import('./sqlite.js');
  return openSqliteRunStore(resolveHome(home));
}

/**
 * The embedded run store if it exists, else undefined: for commands that only read or change what is
 * stored, so a lookup in a fresh home (or a rejected one) writes no files.
 */
export async function openExistingRunStore(home?: string): Promise<RunStore | undefined> {
  return existsSync(join(resolveHome(home), RUN_STORE_FILE)) ? openRunStore(home) : undefined;
}
