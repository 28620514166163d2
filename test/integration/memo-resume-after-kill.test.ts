import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openRunStore } from 'switchyard';
import type { PipelineResult } from 'switchyard';
import type { DagResult } from 'switchyard/prefect';

const FIXTURES = resolve(import.meta.dirname, '../fixtures/hub');

async function until(check: () => boolean, what: string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('memoized DAG nodes after a crash', () => {
  it('a run killed with SIGKILL mid-DAG resumes in another process running only the nodes that had not completed', async () => {
    const home = mkdtempSync(join(tmpdir(), 'sy-memo-kill-'));
    const runId = `memo-kill-${process.pid}`;
    const log = join(home, 'calls.log');
    const child = spawn(process.execPath, ['--import', 'tsx', join(FIXTURES, 'memo-child-run.ts'), 'run', home, runId], {
      // a short run lease, so the resume need not wait long for the killed process's lease to expire
      env: { ...process.env, SWITCHYARD_TEST_BLOCK: '1', SWITCHYARD_LEASE_TTL_MS: '400', SWITCHYARD_LEASE_RENEW_MS: '100' },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    const exited = new Promise<NodeJS.Signals | null>((r) => child.on('exit', (_code, signal) => r(signal)));
    // node c has started (and blocks) once it logged its name
    await until(() => existsSync(log) && readFileSync(log, 'utf8').includes('c'), 'node c to start');
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    await new Promise((r) => setTimeout(r, 500));

    const store = await openRunStore(home);
    try {
      expect((await store.getRun(runId))?.status).toBe('running');
      // a and b were kept as they completed, while the stage was still running
      expect((await store.listStepResults(runId, 'etl')).map((r) => r.key.split(':')[1])).toEqual(['a', 'b']);

      // resumed by another process, built from the same code
      const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', join(FIXTURES, 'memo-child-run.ts'), 'resume', home, runId], { env: process.env });
      const result = JSON.parse(stdout) as PipelineResult;
      expect(result.error).toBeUndefined();
      expect(result.status).toBe('completed');
      expect(readFileSync(log, 'utf8').trim().split('\n')).toEqual(['a', 'b', 'c', 'c']);
      const output = result.output as DagResult;
      expect(output.result).toEqual({ node: 'c', deps: ['b'] });
      expect(output.outputs.a).toEqual({ node: 'a', deps: [] });
      expect(output.stats.reused).toBe(2);
      const reused = (await store.listEvents(runId)).flatMap((e) => (e.type === 'stage.engine' && e.event.kind === 'node.reused' ? [e.event.data?.node] : []));
      expect(reused).toEqual(['a', 'b']);
    } finally {
      await store.close();
    }
  });
});
