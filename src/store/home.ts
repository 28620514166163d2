import { resolve } from 'node:path';

/** Where switchyard keeps its files: the explicit option, else `SWITCHYARD_HOME`, else `./.switchyard`. */
export function resolveHome(home?: string): string {
  return resolve(home ?? process.env.SWITCHYARD_HOME ?? '.switchyard');
}

/** The embedded run store's file inside the home directory. */
export const RUN_STORE_FILE = 'switchyard.sqlite';
