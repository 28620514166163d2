import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const CLI = join(ROOT, 'test/helpers/cli.mjs');
const ENDLESS = join(ROOT, 'test/fixtures/hostile/endless-recursion.yaml');
const homes: string[] = [];
afterAll(() => {
  for (const home of homes) rmSync(home, { recursive: true, force: true });
});

async function until(check: () => boolean, what: string, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const events = (file: string) =>
  existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as { type: string; stageId?: string; status?: string; error?: { code: string } })
    : [];

describe('a long expression keeps the CLI responsive to signals', () => {
  it('SIGTERM during an endless `when` ends `switchyard run` promptly, with the run cancelled', { timeout: 120_000 }, async () => {
    const home = mkdtempSync(join(tmpdir(), 'sy-expr-signal-'));
    homes.push(home);
    const jsonl = join(home, 'events.jsonl');
    // a time budget of ten minutes: only the signal can end this evaluation
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'run', ENDLESS, '--home', home, '--jsonl', jsonl, '--json'], {
      cwd: ROOT,
      env: { ...process.env, SWITCHYARD_EXPRESSION_TIMEOUT_MS: '600000' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.on('exit', (code, signal) => r({ code, signal })));

    await until(() => events(jsonl).some((e) => e.type === 'run.started'), 'the run to start');
    // the stage's `when` is evaluating now (it never ends by itself)
    await new Promise((r) => setTimeout(r, 500));
    child.kill('SIGTERM');
    const bound = new Promise<'still running'>((r) => setTimeout(() => r('still running'), 20_000).unref());
    const outcome = await Promise.race([exited, bound]);
    if (outcome === 'still running') child.kill('SIGKILL');
    expect(outcome).not.toBe('still running');
    expect(outcome).toMatchObject({ signal: null });

    const all = events(jsonl);
    expect(all.find((e) => e.type === 'stage.failed' && e.stageId === 'hostile')?.error?.code).toBe('CANCELLED');
    expect(all.find((e) => e.type === 'run.finished')?.status).toBe('cancelled');
    expect(JSON.parse(stdout)).toMatchObject({ status: 'cancelled' });
  });
});
