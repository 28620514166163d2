import { resolveHome } from './home.js';
import type { RunStore } from './types.js';

export { resolveHome } from './home.js';
export type * from './types.js';

/** The embedded default run store: SQLite at `<home>/switchyard.sqlite` (home: option, `SWITCHYARD_HOME`, or `./.switchyard`). */
export async function openRunStore(home?: string): Promise<RunStore> {
  const { openSqliteRunStore } = await import('./sqlite.js');
  return openSqliteRunStore(resolveHome(home));
}
