import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { timelineBars } from '../../../src/server/dashboard/charts.js';
import { safeNext } from '../../../src/server/dashboard/session.js';
import type { RunEvent } from '../../../src/events/types.js';
import { testServer, type TestServer } from '../../helpers/server.js';

/** The dashboard through `app.request()`: sign-in, sessions, CSRF, escaping, approvals, schedules, the selector. */

const KEY = 'k-dashboard-0123456789abcdef012345';
const HTML = { accept: 'text/html' };

/** A browser's cookie jar for one server, enough for these tests. */
class Browser {
  cookie = '';
  constructor(private readonly t: TestServer) {}

  async get(path: string): Promise<Response> {
    return this.#keep(await this.t.server.request(path, { headers: { ...HTML, ...(this.cookie ? { cookie: this.cookie } : {}) } }));
  }

  async post(path: string, fields: Record<string, string>): Promise<Response> {
    return this.#keep(
      await this.t.server.request(path, {
        method: 'POST',
        headers: { ...HTML, 'content-type': 'application/x-www-form-urlencoded', ...(this.cookie ? { cookie: this.cookie } : {}) },
        body: new URLSearchParams(fields).toString(),
      }),
    );
  }

  #keep(response: Response): Response {
    const set = response.headers.get('set-cookie');
    const match = set ? /sy_session=([^;]*)/.exec(set) : null;
    if (match) this.cookie = match[1] ? `sy_session=${match[1]}` : '';
    return response;
  }
}

const csrfOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';

describe('the dashboard with API keys', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await testServer({ apiKeys: [KEY], rateLimit: false });
  });
  afterAll(() => t.close());

  it('sends people who are not signed in to /login, keeping where they were going', async () => {
    const browser = new Browser(t);
    for (const path of ['/', '/runs/some-run', '/schedules', '/pipelines', '/profiles', '/recommend']) {
      const response = await browser.get(path);
      expect(response.status, path).toBe(302);
      expect(response.headers.get('location')).toBe(`/login?next=${encodeURIComponent(path)}`);
    }
    // Scripts get a 401, not a redirect.
    expect((await browser.get('/ui/runs/status?ids=x')).status).toBe(401);
    expect((await browser.get('/runs/x/events')).status).toBe(401);
    // A POST without a session is refused before anything else.
    expect((await browser.post('/recommend', { description: 'x' })).status).toBe(401);
  });

  it('signs in with a key: a session cookie (HttpOnly, SameSite=Strict), a new one once signed in', async () => {
    const browser = new Browser(t);
    const form = await browser.get('/login?next=/pipelines');
    expect(form.status).toBe(200);
    const cookie = form.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Path=\//);
    const html = await form.text();
    expect(form.headers.get('content-security-policy')).toContain("script-src 'self'");
    const token = csrfOf(html);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const before = browser.cookie;

    expect((await browser.post('/login', { key: KEY, next: '/pipelines' })).status).toBe(403);
    const again = csrfOf(await (await browser.get('/login?next=/pipelines')).text());
    const wrong = await browser.post('/login', { _csrf: again, key: 'k-not-the-key-0000000000000000', next: '/pipelines' });
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).toContain('That API key is not valid.');

    const ok = await browser.post('/login', { _csrf: again, key: KEY, next: '/pipelines' });
    expect(ok.status).toBe(303);
    expect(ok.headers.get('location')).toBe('/pipelines');
    expect(browser.cookie).not.toBe(before);
    const pipelines = await browser.get('/pipelines');
    expect(pipelines.status).toBe(200);
    const page = await pipelines.text();
    expect(page).toContain('review');
    expect(page).toMatch(/signed in as key-[0-9a-f]{8}/);

    // Signing out ends the session.
    const out = await browser.post('/logout', { _csrf: csrfOf(page) });
    expect(out.status).toBe(303);
    expect((await new Browser(t).get('/')).status).toBe(302);
  });

  it('at the session cap, sessions not signed in go first', async () => {
    const { Sessions } = await import('../../../src/server/dashboard/session.js');
    const { Hono } = await import('hono');
    const sessions = new Sessions({ maxSessions: 3 });
    const app = new Hono();
    app.get('/in', (c) => c.text(sessions.create(c, 'key-1').id));
    app.get('/anon', (c) => c.text(sessions.create(c, undefined).id));
    app.get('/who', (c) => c.text(sessions.get(c)?.principal ?? 'nobody'));
    const signedIn = await (await app.request('/in')).text();
    for (let i = 0; i < 10; i++) await app.request('/anon');
    expect(sessions.size).toBe(3);
    expect(await (await app.request('/who', { headers: { cookie: `sy_session=${signedIn}` } })).text()).toBe('key-1');
  });

  it('never sends people elsewhere after signing in', () => {
    expect(safeNext('/runs/a?b=1')).toBe('/runs/a?b=1');
    for (const next of ['//evil.example', 'https://evil.example', '/\\evil.example', '/\t/evil.example', '/\n/evil.example', 'javascript:alert(1)', undefined]) expect(safeNext(next)).toBe('/');
  });

  it('refuses every POST without the session CSRF token (403)', async () => {
    const browser = new Browser(t);
    const token = csrfOf(await (await browser.get('/login')).text());
    await browser.post('/login', { _csrf: token, key: KEY, next: '/' });
    const page = await (await browser.get('/recommend')).text();
    const csrf = csrfOf(page);
    expect(csrf).not.toBe(token);
    expect((await browser.post('/recommend', { description: 'index documents and answer questions' })).status).toBe(403);
    expect((await browser.post('/recommend', { _csrf: 'wrong', description: 'index documents and answer questions' })).status).toBe(403);
    expect((await browser.post('/runs/r/approve', {})).status).toBe(403);
    expect((await browser.post('/schedules/s/pause', { _csrf: token })).status).toBe(403);
    expect((await browser.post('/pipelines/echo/run', {})).status).toBe(403);
    const ok = await browser.post('/recommend', { _csrf: csrf, description: 'index documents and answer questions about them' });
    expect(ok.status).toBe(200);
    const result = await ok.text();
    expect(result).toContain('Recommended: <code>llamaindex</code>');
    expect(result).toContain('Reasons');
  });

  it('the API still asks for the key; GET / without text/html is still the JSON pointer', async () => {
    expect((await t.get('/api/runs')).status).toBe(401);
    expect(await (await t.get('/')).json()).toMatchObject({ name: 'switchyard', docs: '/api/docs' });
  });
});

describe('the dashboard on loopback (no keys)', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await testServer({ rateLimit: false });
  });
  afterAll(() => t.close());

  it('needs no sign-in, but its forms still carry a CSRF token', async () => {
    const browser = new Browser(t);
    const response = await browser.get('/recommend');
    expect(response.status).toBe(200);
    expect(browser.cookie).toMatch(/^sy_session=/);
    const html = await response.text();
    expect(html).toContain('loopback, no sign-in');
    expect(csrfOf(html)).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect((await browser.get('/login')).status).toBe(302);
    expect((await browser.post('/recommend', { description: 'schedule a nightly ETL' })).status).toBe(403);
  });

  it('escapes what people send: an input with <script> shows as text', async () => {
    const started = await t.post('/api/runs', { pipeline: 'echo', input: { text: '<script>alert("x")</script>', quote: `"' onload=x` } });
    const { runId } = (await started.json()) as { runId: string };
    await t.waitFor(runId, ['completed']);
    const browser = new Browser(t);
    const page = await (await browser.get(`/runs/${runId}`)).text();
    expect(page).toContain('&lt;script&gt;alert(');
    expect(page).not.toContain('<script>alert');
    expect(page).not.toContain(`"' onload=x`);
    expect(page.match(/<script\b/g)).toHaveLength(1);
    expect(page).toContain('src="/assets/dashboard.js"');
    // The runs list names it.
    const list = await (await browser.get('/')).text();
    expect(list).toContain(`data-run-id="${runId}"`);
    expect(list).toContain(`>${runId}</a>`);
  });

  it('shows a waiting run with its approve form; approving through the dashboard completes it', async () => {
    const started = await t.post('/api/runs', { pipeline: 'review', input: { ticket: 'A-1' } });
    const { runId } = (await started.json()) as { runId: string };
    await t.waitFor(runId, ['waiting']);
    const browser = new Browser(t);
    const page = await (await browser.get(`/runs/${runId}`)).text();
    expect(page).toContain('Waiting for approval');
    expect(page).toContain(`action="/runs/${runId}/approve"`);
    expect(page).toContain('class="bar-waiting"');
    expect(page).toContain('aria-label="Pipeline graph"');
    expect(page).toContain('ship it?');
    const approved = await browser.post(`/runs/${runId}/approve`, { _csrf: csrfOf(page), stageId: 'review', data: '{"version":"1.2"}' });
    expect(approved.status).toBe(303);
    expect(approved.headers.get('location')).toBe(`/runs/${runId}`);
    const done = await t.waitFor(runId, ['completed']);
    expect(done.output).toMatchObject({ value: 'done' });
    const after = await (await browser.get(`/runs/${runId}`)).text();
    expect(after).toContain('Approved: the run goes on.');
    expect(after).toContain('data-status="completed"');
    expect(after).not.toContain('Waiting for approval');
    // A second approval is refused by the hub and shown, not thrown.
    await browser.post(`/runs/${runId}/approve`, { _csrf: csrfOf(page) });
    expect(await (await browser.get(`/runs/${runId}`)).text()).toContain('not waiting for approval');
  });

  it('one form per pending approval when a stage waits on several', async () => {
    const { runId } = (await (await t.post('/api/runs', { pipeline: 'pair' })).json()) as { runId: string };
    await t.waitFor(runId, ['waiting']);
    const page = await (await new Browser(t).get(`/runs/${runId}`)).text();
    expect(page).toContain('name="approvalId" value="legal-1"');
    expect(page).toContain('name="approvalId" value="security-1"');
    expect(page.match(/action="\/runs\/[^"]+\/approve"/g)).toHaveLength(2);
  });

  it('filters the runs list and answers live status for the rows', async () => {
    const browser = new Browser(t);
    const waiting = await (await browser.get('/?status=waiting')).text();
    expect(waiting).toContain('data-status="waiting"');
    expect(waiting).not.toContain('data-status="completed"');
    const echo = await (await browser.get('/?pipeline=echo&since=1h')).text();
    expect(echo).toContain('<td class="nowrap">echo</td>');
    expect(echo).not.toContain('<td class="nowrap">review</td>');
    const ids = [...echo.matchAll(/data-run-id="([^"]+)"/g)].map((m) => m[1]!);
    const status = (await (await browser.get(`/ui/runs/status?ids=${ids.join(',')},nope`)).json()) as Record<string, { status: string }>;
    expect(Object.keys(status).sort()).toEqual([...ids].sort());
    expect(status[ids[0]!]!.status).toBe('completed');
  });

  it('schedules: pause and resume', async () => {
    const added = await t.post('/api/schedules', { pipeline: 'echo', every: '1h', id: 'hourly' });
    expect(added.status).toBe(201);
    const browser = new Browser(t);
    const page = await (await browser.get('/schedules')).text();
    expect(page).toContain('data-schedule="hourly"');
    expect(page).toContain('action="/schedules/hourly/pause"');
    expect((await browser.post('/schedules/hourly/pause', { _csrf: csrfOf(page) })).status).toBe(303);
    expect((await t.store.getSchedule('hourly'))?.paused).toBe(true);
    const paused = await (await browser.get('/schedules')).text();
    expect(paused).toContain('Schedule hourly paused.');
    expect(paused).toContain('action="/schedules/hourly/resume"');
    await browser.post('/schedules/hourly/resume', { _csrf: csrfOf(paused) });
    expect((await t.store.getSchedule('hourly'))?.paused).toBe(false);
  });

  it('starts a run of a pipeline from its page, and shows the engines', async () => {
    const browser = new Browser(t);
    const page = await (await browser.get('/pipelines/echo')).text();
    const bad = await browser.post('/pipelines/echo/run', { _csrf: csrfOf(page), input: '{not json' });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('The input is not JSON');
    const started = await browser.post('/pipelines/echo/run', { _csrf: csrfOf(page), input: '{"n": 1}' });
    expect(started.status).toBe(303);
    expect(started.headers.get('location')).toMatch(/^\/runs\//);
    const profiles = await (await browser.get('/profiles')).text();
    for (const engine of ['agno', 'langgraph', 'llamaindex', 'prefect']) expect(profiles).toContain(`data-profile="${engine}"`);
    expect((await browser.get('/runs/no-such-run')).status).toBe(404);
    const css = await browser.get('/assets/dashboard.css');
    expect(css.headers.get('content-type')).toMatch(/^text\/css/);
    expect(await css.text()).toContain('prefers-color-scheme: dark');
  });
});

describe('the timeline', () => {
  const base = { runId: 'r' };
  it('draws one bar per stage attempt, coloured by how it ended', () => {
    const events = [
      { ...base, seq: 1, at: 0, type: 'run.started', pipeline: 'p', resumed: false },
      { ...base, seq: 2, at: 10, type: 'stage.started', stageId: 'a', engine: 'agno', attempt: 1 },
      { ...base, seq: 3, at: 20, type: 'stage.retry', stageId: 'a', engine: 'agno', attempt: 1, delayMs: 5, error: { code: 'X', message: 'x' } },
      { ...base, seq: 4, at: 25, type: 'stage.started', stageId: 'a', engine: 'agno', attempt: 2 },
      { ...base, seq: 5, at: 40, type: 'stage.completed', stageId: 'a', engine: 'agno', attempt: 2, durationMs: 15 },
      { ...base, seq: 6, at: 41, type: 'stage.started', stageId: 'b', engine: 'langgraph', attempt: 1 },
    ] as RunEvent[];
    expect(timelineBars(events, 100).map((b) => [b.stageId, b.attempt, b.outcome, b.end - b.start])).toEqual([
      ['a', 1, 'retry', 10],
      ['a', 2, 'completed', 15],
      ['b', 1, 'running', 59],
    ]);
  });
});
