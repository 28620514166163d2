import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findOrInstallChromium } from '../helpers/chromium.js';
import { freePort } from '../helpers/free-port.js';

/**
 * The dashboard in a real browser: `switchyard serve` as a process with an API key, Debian's Chromium driven by
 * playwright-core. Sign in, open the runs list, start a run that waits at a LangGraph approve node, approve it on its
 * page and watch it complete without reloading (the run page follows the event stream, the list refreshes its rows).
 * Screenshots go to test-artifacts/.
 */

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const KEY = 'k-dashboard-browser-0123456789abcdef';
const artifacts = join(root, 'test-artifacts');
const home = mkdtempSync(join(tmpdir(), 'sy-dashboard-'));

let child: ChildProcess;
let stdout = '';
let stderr = '';
let base = '';
let browser: Browser;

async function listening(timeoutMs = 90_000): Promise<string> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const match = /listening on (http:\/\/\S+)/.exec(stdout);
    if (match) return match[1]!;
    if (child.exitCode !== null) throw new Error(`switchyard serve exited ${child.exitCode}: ${stderr}`);
    if (Date.now() > until) throw new Error(`switchyard serve did not start: ${stdout}${stderr}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const api = (path: string, body?: unknown) =>
  fetch(`${base}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${KEY}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

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
  const executablePath = await findOrInstallChromium();
  mkdirSync(artifacts, { recursive: true });
  const port = await freePort();
  child = spawn(process.execPath, ['--import', 'tsx', join(root, 'test/helpers/cli.mjs'), 'serve', '--port', String(port), '--pipelines', 'test/fixtures/server/dashboard', '--home', home], {
    cwd: root,
    env: { ...process.env, SWITCHYARD_STORE_URL: '', SWITCHYARD_CHECKPOINT_URL: '', SWITCHYARD_WEBHOOK_SECRET: '', SWITCHYARD_API_KEYS: KEY, SWITCHYARD_MODULE_ROOTS: join(root, 'test/fixtures/server') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  base = await listening();
  browser = await chromium.launch({ executablePath, args: ['--no-sandbox'], headless: true });
});

afterAll(async () => {
  await browser?.close();
  if (child && child.exitCode === null) {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
  }
  rmSync(home, { recursive: true, force: true });
});

describe('the dashboard in a browser', () => {
  it('sign in, list runs, open a waiting run, approve it and see it complete live', async () => {
    // Some history for the list: a run that fails after its retries, and one that completes.
    const failed = (await (await api('/api/runs', { pipeline: 'flaky', input: { note: '<b>not bold</b>' } })).json()) as { runId: string };
    await waitForStatus(failed.runId, ['failed']);

    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: 'light' });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });

    // Not signed in: the sign-in page, then back to the runs list.
    await page.goto(`${base}/`);
    expect(new URL(page.url()).pathname).toBe('/login');
    await page.fill('input[name="key"]', 'k-wrong-key-000000000000000000');
    await page.click('button[type="submit"]');
    await expect.poll(() => page.textContent('.flash.error')).toContain('not valid');
    await page.fill('input[name="key"]', KEY);
    await page.click('button[type="submit"]');
    await page.waitForURL(`${base}/`);
    // The refused attempt answered 401, which the console reports: only what comes after counts.
    problems.length = 0;
    const cookies = await context.cookies();
    expect(cookies.find((c) => c.name === 'sy_session')).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    expect(await page.textContent(`tr[data-run-id="${failed.runId}"] .badge`)).toBe('failed');

    // Start a run from the pipeline's page: it runs its stages, then waits at the approve node.
    await page.goto(`${base}/pipelines/release-train`);
    expect(await page.locator('svg[aria-label="Pipeline graph"] g.node').count()).toBe(5);
    await page.fill('textarea[name="input"]', '{"ticket": "REL-42"}');
    await page.click('form[action$="/run"] button[type="submit"]');
    await page.waitForURL(/\/runs\/[^/]+$/);
    const runId = decodeURIComponent(new URL(page.url()).pathname.split('/').pop()!);
    // Live: the page follows the run until it waits, without a reload.
    await page.evaluate(() => ((globalThis as unknown as { marker: number }).marker = 1));
    await page.waitForSelector('#run-status[data-status="waiting"]', { timeout: 60_000 });
    await page.waitForSelector('.approval form[action$="/approve"]');
    expect(await page.evaluate(() => (globalThis as unknown as { marker?: number }).marker)).toBe(1);

    // The runs list shows it waiting; a second tab keeps it open to see the row change.
    const list = await context.newPage();
    await list.goto(`${base}/`);
    expect(await list.textContent(`tr[data-run-id="${runId}"] .badge`)).toBe('waiting');
    expect(await list.textContent(`tr[data-run-id="${runId}"] td.id`)).toBe(runId);
    await list.screenshot({ path: join(artifacts, 'dashboard-runs.png'), fullPage: true });

    // The waiting run: timeline bars, the graph, its approval.
    await page.reload();
    await page.waitForSelector('#run-status[data-status="waiting"]');
    expect(await page.textContent('.approval')).toContain('Deploy this build?');
    expect(await page.locator('svg[aria-label="Stage timeline"] rect.bar-completed').count()).toBeGreaterThanOrEqual(3);
    expect(await page.locator('svg[aria-label="Stage timeline"] rect.bar-waiting').count()).toBe(1);
    await page.screenshot({ path: join(artifacts, 'dashboard-run-waiting.png'), fullPage: true });
    await page.screenshot({ path: join(artifacts, 'dashboard-run-waiting-top.png') });

    // Approve it: the run page follows the resumed run to its end.
    await page.fill('.approval textarea[name="data"]', '{"version": "2.0.1"}');
    await page.click('.approval button.ok');
    await page.waitForURL(`${base}/runs/${encodeURIComponent(runId)}`);
    expect(await page.textContent('.flash.ok')).toContain('Approved');
    await page.evaluate(() => ((globalThis as unknown as { marker: number }).marker = 2));
    await page.waitForSelector('#run-status[data-status="completed"]', { timeout: 60_000 });
    expect(await page.evaluate(() => (globalThis as unknown as { marker?: number }).marker)).toBe(2);
    await page.waitForSelector('#event-log tr.ev-run-finished >> nth=1');
    expect(await page.locator('.approval').count()).toBe(0);
    const done = await waitForStatus(runId, ['completed']);
    expect(JSON.stringify(done.stages)).toContain('"announce"');
    const output = (await (await api(`/api/runs/${runId}`)).json()) as { stages: { stageId: string; output: unknown }[] };
    expect(output.stages.find((s) => s.stageId === 'release')?.output).toMatchObject({ approved: true, deployed: { environment: 'production', version: '2.0.1' } });
    await page.screenshot({ path: join(artifacts, 'dashboard-run-completed.png'), fullPage: true });

    // The list in the other tab changed its row without a reload.
    await list.waitForSelector(`tr[data-run-id="${runId}"][data-status="completed"]`, { timeout: 15_000 });

    // The other pages render; the dark scheme too.
    for (const path of ['/schedules', '/profiles', '/pipelines', '/recommend']) {
      const response = await page.goto(`${base}${path}`);
      expect(response?.status(), path).toBe(200);
    }
    await page.fill('textarea[name="description"]', 'index the contracts and answer questions, then get legal sign-off');
    await page.click('form[action="/recommend"] button');
    await page.waitForSelector('#recommendation');
    const dark = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: 'dark', storageState: await context.storageState() });
    const darkPage = await dark.newPage();
    await darkPage.goto(`${base}/runs/${encodeURIComponent(runId)}`);
    await darkPage.screenshot({ path: join(artifacts, 'dashboard-run-completed-dark.png'), fullPage: true });
    await dark.close();
    await context.close();
    expect(problems).toEqual([]);
  }, 180_000);
});
