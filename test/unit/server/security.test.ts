import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiKeys, assertBindable, isLoopbackHost, loadApiKeys } from '../../../src/server/index.js';
import { TokenBuckets } from '../../../src/server/limits.js';
import { testServer, type TestServer } from '../../helpers/server.js';

const KEY = 'k-0123456789abcdef0123456789abcdef';
const OTHER = 'k-fedcba9876543210fedcba9876543210';
const THIRD = 'k-00000000111111112222222233333333';

describe('API keys', () => {
  it('match in constant time by hash and name each key by a short hash', () => {
    const keys = apiKeys([KEY, OTHER]);
    expect(keys.size).toBe(2);
    expect(keys.match(KEY)).toMatch(/^key-[0-9a-f]{8}$/);
    expect(keys.match(OTHER)).not.toBe(keys.match(KEY));
    expect(keys.match(`${KEY}x`)).toBeUndefined();
    expect(keys.match('')).toBeUndefined();
  });

  it('refuse short keys and keys with spaces, naming where they came from', () => {
    expect(() => apiKeys(['short'])).toThrow(/SWITCHYARD_API_KEYS\[0\]: expected an API key of at least 16 characters/);
    expect(() => apiKeys(['has a space in it, long enough'], '--key-file')).toThrow(/--key-file\[0\]/);
  });

  it('load from SWITCHYARD_API_KEYS and a key file (comments and blank lines skipped)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sy-keys-'));
    const file = join(dir, 'keys');
    writeFileSync(file, `# ops\n${OTHER}\n\n  ${KEY}  \n`);
    expect(loadApiKeys({ env: { SWITCHYARD_API_KEYS: ` ${KEY} , ` }, keyFile: file })).toEqual([KEY, OTHER]);
    expect(() => loadApiKeys({ env: {}, keyFile: join(dir, 'missing') })).toThrow(/--key-file: expected a readable file/);
    writeFileSync(file, '# nothing\n');
    expect(() => loadApiKeys({ env: {}, keyFile: file })).toThrow(/no keys in it/);
  });

  it('without keys only loopback addresses may be bound', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', '::1', '[::1]', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1', 'localhost']) expect(isLoopbackHost(host), host).toBe(true);
    for (const host of ['0.0.0.0', '::', '10.0.0.1', '192.168.1.2', 'example.com', '::ffff:10.0.0.1']) expect(isLoopbackHost(host), host).toBe(false);
    expect(() => assertBindable('0.0.0.0', apiKeys([]))).toThrow(/^--host 0\.0\.0\.0: expected a loopback address/);
    expect(() => assertBindable('0.0.0.0', apiKeys([KEY]))).not.toThrow();
  });
});

describe('a server with keys', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await testServer({ apiKeys: [KEY, OTHER, THIRD], rateLimit: { perSecond: 2, burst: 3 }, maxBodyBytes: 2048 });
  });
  afterAll(() => t.close());

  it('refuses a request without a key or with a wrong one: 401 problem with WWW-Authenticate', async () => {
    const none = await t.get('/api/pipelines');
    expect(none.status).toBe(401);
    expect(none.headers.get('content-type')).toBe('application/problem+json');
    expect(none.headers.get('www-authenticate')).toBe('Bearer realm="switchyard"');
    expect(await none.json()).toMatchObject({ status: 401, type: '/api/docs#problem-unauthorized', instance: '/api/pipelines' });
    const wrong = await t.get('/api/pipelines', { authorization: 'Bearer not-the-key-at-all-no' });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toContain('invalid_token');
    expect((await t.get('/api/pipelines', { authorization: `Basic ${KEY}` })).status).toBe(401);
  });

  it('accepts a valid key; health, the OpenAPI document and the docs page need none', async () => {
    expect((await t.get('/api/pipelines', { authorization: `Bearer ${OTHER}` })).status).toBe(200);
    expect((await t.get('/api/health')).status).toBe(200);
    expect(await (await t.get('/api/health')).json()).toMatchObject({ auth: 'api-key' });
    expect((await t.get('/api/openapi.json')).status).toBe(200);
    expect((await t.get('/api/docs')).status).toBe(200);
  });

  it('rate-limits each key on its own: 429 problem with Retry-After past the burst', async () => {
    const auth = { authorization: `Bearer ${KEY}` };
    const statuses: number[] = [];
    let limited: Response | undefined;
    for (let i = 0; i < 5; i++) {
      const response = await t.get('/api/guide', auth);
      statuses.push(response.status);
      if (response.status === 429) limited ??= response;
    }
    expect(statuses.slice(0, 3)).toEqual([200, 200, 200]);
    expect(statuses).toContain(429);
    expect(Number(limited!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await limited!.json()).toMatchObject({ status: 429, type: '/api/docs#problem-rate-limited' });
    // the other key has its own bucket (it used one request above)
    expect((await t.get('/api/guide', { authorization: `Bearer ${OTHER}` })).status).toBe(200);
  });

  it('refuses a body over the limit: 413 problem, declared or streamed', async () => {
    const auth = { authorization: `Bearer ${THIRD}` };
    const big = { pipeline: 'echo', input: { text: 'x'.repeat(4096) } };
    const declared = await t.post('/api/validate', big, auth);
    expect(declared.status).toBe(413);
    expect(await declared.json()).toMatchObject({ status: 413, type: '/api/docs#problem-payload-too-large', maxBytes: 2048 });
    const body = new ReadableStream({
      start(controller) {
        for (let i = 0; i < 4; i++) controller.enqueue(new TextEncoder().encode('x'.repeat(1024)));
        controller.close();
      },
    });
    const streamed = await t.server.request('/api/validate', { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body, duplex: 'half' } as RequestInit);
    expect(streamed.status).toBe(413);
  });
});

describe('token buckets', () => {
  it('refill at the sustained rate up to the burst', () => {
    let now = 0;
    const buckets = new TokenBuckets({ perSecond: 2, burst: 2 }, () => now);
    expect([buckets.take('a'), buckets.take('a')]).toEqual([0, 0]);
    expect(buckets.take('a')).toBeCloseTo(0.5);
    now = 500;
    expect(buckets.take('a')).toBe(0);
    now = 10_000;
    expect([buckets.take('a'), buckets.take('a'), buckets.take('a') > 0]).toEqual([0, 0, true]);
    expect(buckets.take('b')).toBe(0);
  });
});
