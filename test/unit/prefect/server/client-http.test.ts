import { afterEach, describe, expect, it } from 'vitest';
import { PrefectClient, PREFECT_API_VERSION, parseRetryAfter, resolveServerOptions } from '../../../../adapters/prefect/server/index.js';
import { startRecorder, type Reply } from '../../../helpers/prefect-recorder.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function setup(answer: Parameters<typeof startRecorder>[0], options: ConstructorParameters<typeof PrefectClient>[0] = {}) {
  const recorder = await startRecorder(answer);
  const client = new PrefectClient({ url: recorder.url, backoffMs: 1, env: {}, ...options });
  cleanups.push(() => recorder.close(), () => client.close());
  return { recorder, client };
}

describe('PrefectClient on the wire', () => {
  it('sends the API version header, JSON and a bearer key', async () => {
    const { recorder, client } = await setup(() => ({ status: 201, body: { id: 'f1', name: 'etl' } }), { apiKey: 'pnu_secret' });
    expect(await client.createFlow('etl')).toEqual({ id: 'f1', name: 'etl' });
    const [req] = recorder.requests;
    expect(req).toMatchObject({ method: 'POST', url: '/api/flows/', body: { name: 'etl', tags: [] } });
    expect(req!.headers['x-prefect-api-version']).toBe(PREFECT_API_VERSION);
    expect(req!.headers.authorization).toBe('Bearer pnu_secret');
    expect(req!.headers['content-type']).toBe('application/json');
  });

  it('takes the URL and a basic auth string from the Prefect environment variables', async () => {
    const recorder = await startRecorder(() => ({ status: 200, body: true }));
    const client = new PrefectClient({ env: { PREFECT_API_URL: `${recorder.url}/`, PREFECT_API_AUTH_STRING: 'admin:pass' } });
    cleanups.push(() => recorder.close(), () => client.close());
    expect(await client.health()).toBe(true);
    expect(recorder.requests[0]!.url).toBe('/api/health');
    expect(recorder.requests[0]!.headers.authorization).toBe(`Basic ${Buffer.from('admin:pass').toString('base64')}`);
  });

  it('names the setting when there is no API URL', () => {
    expect(() => resolveServerOptions({}, {})).toThrow(expect.objectContaining({ code: 'INVALID_INPUT', message: expect.stringContaining('PREFECT_API_URL') }));
    expect(() => resolveServerOptions({ url: 'ftp://x' }, {})).toThrow(expect.objectContaining({ code: 'INVALID_INPUT', path: 'server.url' }));
  });

  it.each([408, 429, 502, 503])('retries a %i and then succeeds', async (status) => {
    const { recorder, client } = await setup((_req, i) => (i < 2 ? { status, body: { detail: 'busy' } } : { status: 200, body: { id: 'r1', name: 'run' } }));
    expect(await client.readFlowRun('r1')).toMatchObject({ id: 'r1' });
    expect(recorder.requests).toHaveLength(3);
    expect(client.stats.retries).toBe(2);
  });

  it('waits at least the Retry-After seconds before retrying', async () => {
    const { recorder, client } = await setup((_req, i) => (i === 0 ? { status: 429, headers: { 'retry-after': '1' } } : { status: 200, body: true }));
    await client.health();
    expect(recorder.requests).toHaveLength(2);
    expect(recorder.requests[1]!.at - recorder.requests[0]!.at).toBeGreaterThanOrEqual(950);
  });

  it('gives up after the configured retries with the status in the error', async () => {
    const { recorder, client } = await setup(() => ({ status: 503, body: { detail: 'down for maintenance' } }), { retries: 2 });
    await expect(client.health()).rejects.toMatchObject({ code: 'REMOTE_ERROR', message: expect.stringContaining('down for maintenance'), details: expect.objectContaining({ status: 503 }) });
    expect(recorder.requests).toHaveLength(3);
  });

  it('does not retry other errors', async () => {
    const { recorder, client } = await setup(() => ({ status: 500, body: { detail: 'boom' } }));
    await expect(client.health()).rejects.toMatchObject({ code: 'REMOTE_ERROR' });
    expect(recorder.requests).toHaveLength(1);
  });

  it('turns a 409 into a REMOTE_ERROR carrying the server detail', async () => {
    const { client } = await setup(() => ({ status: 409, body: { detail: 'Data integrity conflict. This usually means a unique or foreign key constraint was violated.' } }));
    await expect(client.createWorkPool({ name: 'etl' })).rejects.toMatchObject({
      code: 'REMOTE_ERROR',
      message: expect.stringMatching(/409.*Data integrity conflict/),
      details: expect.objectContaining({ status: 409 }),
    });
  });

  it('turns a 422 into INVALID_INPUT naming the field (FastAPI and Prefect shapes)', async () => {
    const fastapi = await setup(() => ({ status: 422, body: { detail: [{ loc: ['body', 'flow_id'], msg: 'field required', type: 'missing' }] } }));
    await expect(fastapi.client.createDeployment({ name: 'd' } as never)).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('flow_id: field required') });
    const prefect = await setup(() => ({ status: 422, body: { exception_message: 'Invalid request received.', exception_detail: [{ loc: ['body', 'state', 'type'], msg: 'Input should be SCHEDULED, PENDING, ...' }] } }));
    await expect(prefect.client.setFlowRunState('r', { type: 'NOPE' as never })).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('state.type: Input should be') });
  });

  it('answers a missing work pool with undefined and a missing deployment with NOT_FOUND', async () => {
    const { client } = await setup(() => ({ status: 404, body: { detail: 'Work pool not found.' } }));
    expect(await client.readWorkPool('nope')).toBeUndefined();
    await expect(client.readDeploymentByName('a', 'b')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('stops retrying when the signal aborts', async () => {
    const { client } = await setup(() => ({ status: 503, headers: { 'retry-after': '30' } }));
    const controller = new AbortController();
    const pending = client.health({ signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    await expect(pending).rejects.toMatchObject({ code: 'CANCELLED' });
  });

  it('retries a refused connection, then reports it', async () => {
    const recorder = await startRecorder(() => ({ status: 200 }));
    const url = recorder.url;
    await recorder.close();
    const client = new PrefectClient({ url, retries: 1, backoffMs: 1, env: {} });
    cleanups.push(() => client.close());
    await expect(client.health()).rejects.toMatchObject({ code: 'REMOTE_ERROR', details: expect.objectContaining({ code: 'ECONNREFUSED' }) });
    expect(client.stats.total).toBe(2);
  });

  it('after a timeout, sends a GET again but never a POST the server may have acted on', async () => {
    const slowFirst = (_req: unknown, i: number): Reply => (i === 0 ? { status: 200, body: true, delayMs: 400 } : { status: 200, body: { id: 'r', name: 'n' } });
    const reads = await setup(slowFirst, { timeoutMs: 100 });
    expect(await reads.client.readFlowRun('r')).toMatchObject({ id: 'r' });
    expect(reads.recorder.requests).toHaveLength(2);
    const creates = await setup(slowFirst, { timeoutMs: 100 });
    await expect(creates.client.createFlowRunFromDeployment('d', {})).rejects.toMatchObject({ code: 'REMOTE_ERROR', message: expect.stringContaining('no answer within 100 ms') });
    expect(creates.recorder.requests).toHaveLength(1);
  });

  it('encodes names in paths and counts requests per route', async () => {
    const { recorder, client } = await setup((): Reply => ({ status: 200, body: { id: 'd', name: 'x', flow_id: 'f', parameters: {} } }));
    await client.readDeploymentByName('my flow', 'nightly/eu');
    expect(recorder.requests[0]!.url).toBe('/api/deployments/name/my%20flow/nightly%2Feu');
    expect(client.stats.byRoute.get('GET /deployments/name/my%20flow/nightly%2Feu')).toBe(1);
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('2')).toBe(2000);
    expect(parseRetryAfter(undefined)).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
    const inFuture = parseRetryAfter(new Date(Date.now() + 60_000).toUTCString())!;
    expect(inFuture).toBeGreaterThan(50_000);
    expect(parseRetryAfter(new Date(0).toUTCString())).toBe(0);
  });
});
