import { mkdtempSync, readdirSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { STORE_URL_ENV, leaseOwner, openRunStore, redactUrl } from 'switchyard';

describe('store URLs', () => {
  const saved = process.env[STORE_URL_ENV];
  afterEach(() => {
    if (saved === undefined) delete process.env[STORE_URL_ENV];
    else process.env[STORE_URL_ENV] = saved;
  });

  it('redacts the password in the user part and in the query', () => {
    expect(redactUrl('postgres://app:s3cr%40t@db.example:5432/runs')).toBe('postgres://app:***@db.example:5432/runs');
    expect(redactUrl('postgresql://app:pw@db/runs?sslmode=require&password=zz')).toBe('postgresql://app:***@db/runs?sslmode=require&password=***');
    expect(redactUrl('postgres://app@db/runs')).toBe('postgres://app@db/runs');
    expect(redactUrl('postgres://app:p@ss@db/runs')).toBe('postgres://app:***@db/runs');
  });

  it('an empty SWITCHYARD_STORE_URL means SQLite under the home', async () => {
    process.env[STORE_URL_ENV] = '';
    const home = mkdtempSync(join(tmpdir(), 'sy-url-'));
    const store = await openRunStore({ home });
    await store.close();
    expect(readdirSync(home)).toContain('switchyard.sqlite');
  });

  it('refuses a URL of another kind, naming where it came from, without its password', async () => {
    process.env[STORE_URL_ENV] = 'mysql://app:topsecret@db/runs';
    const fromEnv = await openRunStore(mkdtempSync(join(tmpdir(), 'sy-url-'))).catch((e: unknown) => e);
    expect(fromEnv).toMatchObject({ code: 'INVALID_INPUT', path: STORE_URL_ENV, message: expect.stringContaining('mysql://app:***@db/runs') });
    expect(inspect(fromEnv, { depth: 10 })).not.toContain('topsecret');
    const fromOption = await openRunStore({ url: 'sqlite:///tmp/x:topsecret@' }).catch((e: unknown) => e);
    expect(fromOption).toMatchObject({ code: 'INVALID_INPUT', path: 'url' });
  });

  it('an explicit url wins over the environment', async () => {
    process.env[STORE_URL_ENV] = 'mysql://nope';
    const error = await openRunStore({ url: 'postgres://app:topsecret@127.0.0.1:1/db' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'REMOTE_ERROR', message: expect.stringContaining('postgres://app:***@127.0.0.1:1/db') });
    expect(inspect(error, { depth: 10 })).not.toContain('topsecret');
  });

  it('a lease owner names the host and the process, and differs per call', () => {
    const owner = leaseOwner();
    expect(owner.startsWith(`${hostname()}:${process.pid}:`)).toBe(true);
    expect(leaseOwner()).not.toBe(owner);
  });
});
