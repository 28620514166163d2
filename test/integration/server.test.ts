import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../helpers/free-port.js';

/**
 * `switchyard serve` as a real process on a free loopback port, driven with fetch: runs by name, Server-Sent Events
 * with Last-Event-ID, a LangGraph approval, API keys, the body limit, rate limit and runs-in-flight cap, idempotency,
 * and a graceful stop.
 */

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const KEY = 'k-integration-0123456789abcdef0123';
const LIMITED_KEY = 'k-integration-ratelimited-456789ab';
const home = mkdtempSync(join(tmpdir(), 'sy-serve-'));

interface Served {
  readonly child: ChildProcess;
  readonly base: string;
  stdout: string;
  stderr: string;
  readonly exited: Promise<number | null>;
}

function serve(args: readonly string[], env: Record<string, string>): Served {
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'test/helpers/cli.mjs'), 'serve', ...args], {
    cwd: root,
    env: { ...process.env, SWITCHYARD_STORE_URL: '', SWITCHYARD_CHECKPOINT_URL: '', SWITCHYARD_API_KEYS: '', SWITCHYARD_WEBHOOK_SECRET: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const served: Served = {
    child,
    base: '',
    stdout: '',
    stderr: '',
    exited: new Promise((resolve) => child.once('exit', (code) => resolve(code))),
  };
  child.stdout!.on('data', (chunk: Buffer) => (served.stdout += chunk.toString('utf8')));
  child.stderr!.on('data', (chunk: Buffer) => (served.stderr += chunk.toString('utf8')));
  return served;
}

async function listening(served: Served, timeoutMs = 90_000): Promise<string> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const match = /listening on (http:\/\/\S+)/.exec(served.stdout);
    if (match) return match[1]!;
    if (served.child.exitCode !== null) throw new Error(`switchyard serve exited ${served.child.exitCode}: ${served.stderr}`);
    if (Date.now() > until) throw new Error(`switchyard serve did not start: ${served.stdout}${served.stderr}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

let server: Served;
let base = '';
const auth = { authorization: `Bearer ${KEY}` };

const api = (path: string, init: RequestInit = {}, headers: Record<string, string> = auth) => fetch(`${base}${path}`, { ...init, headers: { ...headers, ...(init.headers as Record<string, string> | undefined) } });
const post = (path: string, body?: unknown, headers: Record<string, string> = auth) =>
  api(path, { method: 'POST', ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }) }, headers);

interface Event {
  readonly seq: number;
  readonly type: string;
  readonly [key: string]: unknown;
}

/** Reads an SSE stream to its end: the events, each checked to carry `id:` = its seq and `event:` = its type. */
async function follow(runId: string, lastEventId?: number): Promise<Event[]> {
  const response = await api(`/api/runs/${runId}/events`, {}, { ...auth, ...(lastEventId !== undefined ? { 'last-event-id': String(lastEventId) } : {}) });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const events: Event[] = [];
  for (const block of (await response.text()).split('\n\n')) {
    const lines = block.split('\n').filter((line) => line !== '' && !line.startsWith(':'));
    if (lines.length === 0) continue;
    const field = (name: string) => lines.find((line) => line.startsWith(`${name}: `))?.slice(name.length + 2);
    const event = JSON.parse(field('data')!) as Event;
    expect(field('id')).toBe(String(event.seq));
    expect(field('event')).toBe(event.type);
    events.push(event);
  }
  return events;
}

async function waitForStatus(runId: string, statuses: readonly string[]): Promise<Record<string, unknown>> {
  const until = Date.now() + 60_000;
  for (;;) {
    const run = (await (await api(`/api/runs/${runId}`)).json()) as Record<string, unknown>;
    if (statuses.includes(run.status as string)) return run;
    if (Date.now() > until) throw new Error(`run ${runId} stayed ${String(run.status)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  const port = await freePort();
  server = serve(
    ['--port', String(port), '--pipelines', 'test/fixtures/server/integration', '--home', home, '--max-runs', '2', '--max-body', '65536', '--rate', '20', '--burst', '20', '--grace', '1s'],
    { SWITCHYARD_API_KEYS: `${KEY},${LIMITED_KEY}`, SWITCHYARD_MODULE_ROOTS: join(root, 'test/fixtures/server') },
  );
  base = await listening(server);
  expect(base).toBe(`http://127.0.0.1:${port}`);
});

afterAll(async () => {
  if (server.child.exitCode === null) {
    server.child.kill('SIGKILL');
    await server.exited;
  }
  rmSync(home, { recursive: true, force: true });
});

describe('switchyard serve', () => {
  it('says where it listens, the auth mode and what it serves', async () => {
    // The start-up lines can reach the pipe in more than one chunk: wait for the last of them.
    for (const until = Date.now() + 10_000; !server.stdout.includes('scheduler: ') && Date.now() < until; ) await new Promise((r) => setTimeout(r, 20));
    expect(server.stdout).toContain(`switchyard serve: listening on ${base} (API reference ${base}/api/docs)`);
    expect(server.stdout).toContain('auth: API key required (2 keys; send Authorization: Bearer KEY)');
    expect(server.stdout).toMatch(/pipelines: 3 from .*integration \(echo, release, slow\)/);
  });

  it('refuses a request without a key (401 problem) and accepts one with it', async () => {
    const refused = await api('/api/pipelines', {}, {});
    expect(refused.status).toBe(401);
    expect(refused.headers.get('content-type')).toBe('application/problem+json');
    expect(await refused.json()).toMatchObject({ status: 401, type: '/api/docs#problem-unauthorized' });
    expect((await api('/api/pipelines', {}, { authorization: 'Bearer k-not-a-key-0123456789abcdef' })).status).toBe(401);
    const accepted = await api('/api/pipelines');
    expect(accepted.status).toBe(200);
    expect(((await accepted.json()) as { pipelines: { name: string }[] }).pipelines.map((p) => p.name)).toEqual(['echo', 'release', 'slow']);
    expect((await api('/api/health', {}, {})).status).toBe(200);
  });

  it('runs a pipeline by name, streams its events to run.finished, and a reconnect with Last-Event-ID gets only what it missed', async () => {
    const response = await post('/api/runs', { pipeline: 'echo', input: { ping: 1 } });
    expect(response.status).toBe(201);
    const { runId, status } = (await response.json()) as { runId: string; status: string };
    expect(status).toBe('running');
    const all = await follow(runId);
    expect(all[0]).toMatchObject({ type: 'run.started', seq: 1 });
    expect(all.at(-1)).toMatchObject({ type: 'run.finished', status: 'completed' });
    expect(all.map((e) => e.seq)).toEqual(all.map((_, i) => i + 1));
    expect(all.filter((e) => e.type === 'stage.engine').length).toBeGreaterThanOrEqual(5);

    const cut = all[Math.floor(all.length / 2)]!.seq;
    const missed = await follow(runId, cut);
    expect(missed).toEqual(all.filter((e) => e.seq > cut));
    expect(await waitForStatus(runId, ['completed'])).toMatchObject({ input: { ping: 1 }, output: { input: { ticks: 5 }, value: 'pong' } });
  });

  it('a LangGraph run waits at its approve node; approved through the API it completes', async () => {
    const { runId } = (await (await post('/api/runs', { pipeline: 'release' })).json()) as { runId: string };
    const first = await follow(runId);
    expect(first.at(-1)).toMatchObject({ type: 'run.finished', status: 'waiting' });
    const waiting = await waitForStatus(runId, ['waiting']);
    expect(waiting.pendingApprovals).toMatchObject([{ stageId: 'release', point: 'approve', message: 'Deploy this build?' }]);

    const approved = await post(`/api/runs/${runId}/approve`, { data: { version: '2.0.1' }, by: 'release-manager' });
    expect(approved.status).toBe(202);
    const rest = await follow(runId, first.at(-1)!.seq);
    expect(rest[0]).toMatchObject({ type: 'run.started', resumed: true });
    expect(rest.at(-1)).toMatchObject({ type: 'run.finished', status: 'completed' });
    const done = await waitForStatus(runId, ['completed']);
    expect(done.output).toMatchObject({ approved: true, approval: { by: 'release-manager' }, deployed: { environment: 'production', version: '2.0.1' } });
    expect(done.pendingApprovals).toEqual([]);
  });

  it('Idempotency-Key: the same key and body give the same run; another body is a 422 problem', async () => {
    const key = { 'idempotency-key': 'integration-order-1' };
    const first = await api('/api/runs', { method: 'POST', body: JSON.stringify({ pipeline: 'echo', input: { order: 1 } }), headers: { 'content-type': 'application/json', ...key } });
    expect(first.status).toBe(201);
    const again = await api('/api/runs', { method: 'POST', body: JSON.stringify({ pipeline: 'echo', input: { order: 1 } }), headers: { 'content-type': 'application/json', ...key } });
    expect(again.status).toBe(200);
    expect(((await again.json()) as { runId: string }).runId).toBe(((await first.json()) as { runId: string }).runId);
    const other = await api('/api/runs', { method: 'POST', body: JSON.stringify({ pipeline: 'echo', input: { order: 2 } }), headers: { 'content-type': 'application/json', ...key } });
    expect(other.status).toBe(422);
    expect(other.headers.get('content-type')).toBe('application/problem+json');
  });

  it('refuses a body over --max-body with a 413 problem', async () => {
    const response = await post('/api/runs', { pipeline: 'echo', input: { blob: 'x'.repeat(100_000) } });
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ status: 413, type: '/api/docs#problem-payload-too-large' });
  });

  it('caps runs in flight (429 with Retry-After); cancelled runs free their slots', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 2; i++) {
      const response = await post('/api/runs', { pipeline: 'slow', input: { ms: 60_000 } });
      expect(response.status).toBe(201);
      ids.push(((await response.json()) as { runId: string }).runId);
    }
    const refused = await post('/api/runs', { pipeline: 'echo' });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await refused.json()).toMatchObject({ type: '/api/docs#problem-too-many-runs' });
    for (const id of ids) expect(((await (await post(`/api/runs/${id}/cancel`)).json()) as { status: string }).status).toBe('cancelled');
    expect((await post('/api/runs', { pipeline: 'echo' })).status).toBe(201);
  });

  it('rate-limits a key past its burst (429 with Retry-After) while other keys go on', async () => {
    const limited = { authorization: `Bearer ${LIMITED_KEY}` };
    const answers = await Promise.all(Array.from({ length: 40 }, () => api('/api/guide', {}, limited)));
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(20);
    expect(statuses).toContain(429);
    const refused = answers.find((a) => a.status === 429)!;
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await refused.json()).toMatchObject({ status: 429, type: '/api/docs#problem-rate-limited' });
    await Promise.all(answers.map((a) => (a.bodyUsed ? undefined : a.body?.cancel())));
    expect((await api('/api/guide')).status).toBe(200);
  });

  it('stops on SIGTERM: exit 0, runs in flight recorded', async () => {
    const { runId } = (await (await post('/api/runs', { pipeline: 'slow', input: { ms: 60_000 } })).json()) as { runId: string };
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    expect(server.stdout).toMatch(/SIGTERM: stopping/);
    expect(server.stdout).toMatch(/stopped \(0 runs finished, 1 cancelled and resumable\)/);
    const again = serve(['--port', '0', '--pipelines', 'test/fixtures/server/integration', '--home', home], { SWITCHYARD_MODULE_ROOTS: join(root, 'test/fixtures/server') });
    try {
      base = await listening(again);
      const run = (await (await api(`/api/runs/${runId}`, {}, {})).json()) as { status: string };
      expect(run.status).toBe('cancelled');
      expect(again.stdout).toContain('auth: none (loopback only');
    } finally {
      again.child.kill('SIGTERM');
      expect(await again.exited).toBe(0);
    }
  });
});

describe('switchyard serve without keys', () => {
  it('refuses a non-loopback --host: exit 2 with one line', async () => {
    const refused = serve(['--host', '0.0.0.0', '--port', '0'], {});
    expect(await refused.exited).toBe(2);
    expect(refused.stderr.trim().split('\n')).toEqual([
      'error: --host 0.0.0.0: expected a loopback address (127.0.0.1, ::1, localhost) when no API keys are set; set SWITCHYARD_API_KEYS or --key-file to listen on other addresses',
    ]);
  });
});
