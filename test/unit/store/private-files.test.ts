import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRunStore } from 'switchyard';
import { runRecord } from 'switchyard/adapter-kit/testing';

const mode = (path: string) => statSync(path).mode & 0o777;

describe('private files: the home folder is 0700 and the store files 0600, whatever the umask', () => {
  let previous = 0;
  beforeAll(() => {
    previous = process.umask(0o022);
  });
  afterAll(() => {
    process.umask(previous);
  });

  it('creates the home, the store and its WAL and SHM files readable by their owner only', async () => {
    const home = join(mkdtempSync(join(tmpdir(), 'sy-private-')), 'nested', 'home');
    const store = await openRunStore(home);
    try {
      await store.createRun(runRecord('r-private'));
      expect(mode(home)).toBe(0o700);
      expect(mode(join(home, '..'))).toBe(0o700);
      expect(mode(join(home, 'switchyard.sqlite'))).toBe(0o600);
      expect(mode(join(home, 'switchyard.sqlite-wal'))).toBe(0o600);
      expect(mode(join(home, 'switchyard.sqlite-shm'))).toBe(0o600);
    } finally {
      await store.close();
    }
  });

  it('a home that is a file is one clear INVALID_INPUT error, not a raw EEXIST', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'sy-private-')), 'not-a-folder');
    writeFileSync(file, '');
    await expect(openRunStore(file)).rejects.toMatchObject({ code: 'INVALID_INPUT', message: `home: expected a folder; got a file at ${file}` });
  });
});
