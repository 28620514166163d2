import { chmodSync, closeSync, mkdirSync, openSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { SwitchyardError } from '../errors.js';

/** Folders switchyard creates: readable by their owner only, whatever the umask. */
export const PRIVATE_DIR_MODE = 0o700;
/** Files switchyard writes (the run store, its WAL and SHM, checkpoints, indexes): owner read/write only. */
export const PRIVATE_FILE_MODE = 0o600;

/**
 * Creates `dir` (and missing parents) with mode 0700 whatever the umask; an existing folder keeps its mode.
 * A path that is a file, or a folder that cannot be created, is one clear INVALID_INPUT error naming `label`.
 */
export function ensurePrivateDir(dir: string, label = 'home'): void {
  let created: string | undefined;
  try {
    created = mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' || code === 'ENOTDIR') {
      throw new SwitchyardError('INVALID_INPUT', `${label}: expected a folder; got a file at ${dir}`, { path: label, expected: 'a folder', got: dir });
    }
    throw new SwitchyardError('INVALID_INPUT', `${label}: cannot create the folder ${dir} (${code ?? (error as Error).message})`, { path: label, expected: 'a folder switchyard can write', got: dir });
  }
  if (!statSync(dir).isDirectory()) throw new SwitchyardError('INVALID_INPUT', `${label}: expected a folder; got a file at ${dir}`, { path: label, expected: 'a folder', got: dir });
  // mkdir applies the umask to `mode`: set the folders it created to exactly 0700.
  if (created !== undefined) {
    for (let d = dir; d.length >= created.length; d = dirname(d)) {
      chmodSync(d, PRIVATE_DIR_MODE);
      if (d === created) break;
    }
  }
}

/**
 * Makes sure `file` exists with mode 0600 before a library opens it (SQLite then gives its -wal and -shm files the
 * same mode). Its folder is created private too. An existing file is narrowed to 0600.
 */
export function ensurePrivateFile(file: string, label = 'home'): void {
  ensurePrivateDir(dirname(file), label);
  closeSync(openSync(file, 'a', PRIVATE_FILE_MODE));
  chmodSync(file, PRIVATE_FILE_MODE);
}
