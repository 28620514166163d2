import { createServer as createHttpServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signature } from '../../../src/server/index.js';
import { testServer, type TestServer } from '../../helpers/server.js';

const SECRET = 'webhook-secret-for-tests';

interface Delivery {
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** A local receiver: answers 503 to the first delivery when asked, 204 after. */
function receiver(failFirst: boolean) {
  const deliveries: Delivery[] = [];
  let waiting: ((d: Delivery) => void)[] = [];
  let failed = !failFirst;
  const server = createHttpServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => {
      if (!failed) {
        failed = true;
        response.writeHead(503).end();
        return;
      }
      const delivery = { headers: request.headers, body };
      deliveries.push(delivery);
      response.writeHead(204).end();
      for (const wake of waiting) wake(delivery);
      waiting = [];
    });
  });
  return {
    deliveries,
    next: () => new Promise<Delivery>((resolve) => waiting.push(resolve)),
    start: () => new Promise<string>((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`))),
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('completion webhooks', () => {
  let t: TestServer;
  const hook = receiver(true);
  let url: string;
  beforeAll(async () => {
    url = await hook.start();
    t = await testServer({ rateLimit: false, webhookSecret: SECRET });
  });
  afterAll(async () => {
    await t.close();
    await hook.stop();
  });

  it('POSTs the result when the run finishes, signed with HMAC-SHA256 of the body, retried after a 503', async () => {
    const arrived = hook.next();
    const response = await t.post('/api/runs', { pipeline: 'echo', input: { n: 1 }, webhook: url });
    expect(response.status).toBe(201);
    const { runId } = (await response.json()) as { runId: string };
    const delivery = await arrived;
    expect(delivery.headers['content-type']).toBe('application/json');
    expect(delivery.headers['x-switchyard-event']).toBe('run.finished');
    expect(delivery.headers['x-switchyard-signature']).toBe(signature(delivery.body, SECRET));
    expect(delivery.headers['x-switchyard-signature']).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(JSON.parse(delivery.body)).toMatchObject({ type: 'run.finished', runId, pipeline: 'echo', status: 'completed', output: { input: { n: 1 }, value: 'pong' } });
  }, 15_000);

  it('a waiting run is delivered when it waits and again when it completes after approval', async () => {
    const first = hook.next();
    const { runId } = (await (await t.post('/api/runs', { pipeline: 'review', webhook: url })).json()) as { runId: string };
    expect(JSON.parse((await first).body)).toMatchObject({ runId, status: 'waiting', pendingApproval: { stageId: 'review' } });
    const second = hook.next();
    await t.post(`/api/runs/${runId}/approve`);
    expect(JSON.parse((await second).body)).toMatchObject({ runId, status: 'completed' });
  });

  it('a URL that is not http(s), or has credentials, is a 400 problem naming webhook', async () => {
    for (const bad of ['ftp://example.com/x', 'not a url', 'http://user:pw@127.0.0.1/x']) {
      const response = await t.post('/api/runs', { pipeline: 'echo', webhook: bad });
      expect(response.status, bad).toBe(400);
      expect(((await response.json()) as { issues: { path: string }[] }).issues[0]?.path).toBe('webhook');
    }
  });
});

describe('webhooks without a secret', () => {
  it('are refused: 400 problem saying the operator has not set SWITCHYARD_WEBHOOK_SECRET', async () => {
    const previous = process.env.SWITCHYARD_WEBHOOK_SECRET;
    delete process.env.SWITCHYARD_WEBHOOK_SECRET;
    const t = await testServer({ rateLimit: false });
    try {
      const response = await t.post('/api/runs', { pipeline: 'echo', webhook: 'http://127.0.0.1:9/hook' });
      expect(response.status).toBe(400);
      expect(((await response.json()) as { detail: string }).detail).toContain('SWITCHYARD_WEBHOOK_SECRET');
    } finally {
      await t.close();
      if (previous !== undefined) process.env.SWITCHYARD_WEBHOOK_SECRET = previous;
    }
  });
});

describe('SWITCHYARD_WEBHOOK_ORIGINS', () => {
  it('limits webhooks to the origins it names; a malformed entry is named by position', async () => {
    const { webhookOriginsFromEnv } = await import('../../../src/server/webhooks.js');
    expect(webhookOriginsFromEnv({ SWITCHYARD_WEBHOOK_ORIGINS: ' https://hooks.example.com/path , http://127.0.0.1:8080 ' })).toEqual(['https://hooks.example.com', 'http://127.0.0.1:8080']);
    expect(() => webhookOriginsFromEnv({ SWITCHYARD_WEBHOOK_ORIGINS: 'https://ok.example.com,ftp://x' })).toThrow(/^SWITCHYARD_WEBHOOK_ORIGINS\[1\]: expected an origin/);
    const t = await testServer({ rateLimit: false, webhookSecret: SECRET, webhookOrigins: ['https://hooks.example.com'] });
    try {
      const refused = await t.post('/api/runs', { pipeline: 'echo', webhook: 'http://127.0.0.1:9/hook' });
      expect(refused.status).toBe(400);
      expect(((await refused.json()) as { detail: string }).detail).toBe('webhook: expected a URL on one of https://hooks.example.com');
    } finally {
      await t.close();
    }
  });
});
