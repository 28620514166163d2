import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HybridOrchestrator, openRunStore } from 'switchyard';
import { markerAdapter } from '../fixtures/hub/marker-adapter.js';

const FIXTURES = resolve(import.meta.dirname, '../fixtures/hub');

async function until(check: () => boolean, what: string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('resume after a crash', () => {
  it('a run killed with SIGKILL mid-stage resumes in another process without rerunning completed stages', async () => {
    const home = mkdtempSync(join(tmpdir(), 'sy-kill-'));
    const runId = `kill-${process.pid}`;
    const log = join(home, 'calls.log');
    const child = spawn(process.execPath, ['--import', 'tsx', join(FIXTURES, 'child-run.ts'), home, join(FIXTURES, 'resume.yaml'), runId], {
      // a short run lease, so the killed run's lease expires soon and the run can be taken over
      env: { ...process.env, SWITCHYARD_TEST_BLOCK: '1', SWITCHYARD_LEASE_TTL_MS: '1000', SWITCHYARD_LEASE_RENEW_MS: '200' },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    const exited = new Promise<NodeJS.Signals | null>((r) => child.on('exit', (_code, signal) => r(signal)));
    // stage two has started (and blocks) once it logged its name
    await until(() => existsSync(log) && readFileSync(log, 'utf8').includes('two'), 'stage two to start');
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');

    const store = await openRunStore(home);
    try {
      const crashed = await store.getRun(runId);
      expect(crashed?.status).toBe('running');
      expect(crashed?.pid).toBe(child.pid);
      expect((await store.listStages(runId)).map((s) => [s.stageId, s.status])).toEqual([['one', 'completed']]);
      // the dead process's lease runs out: the run is interrupted, and another process may resume it
      const end = Date.now() + 10_000;
      while ((await store.getLease(runId)) !== undefined) {
        if (Date.now() > end) throw new Error('timed out waiting for the killed run’s lease to expire');
        await new Promise((r) => setTimeout(r, 20));
      }

      const hub = new HybridOrchestrator({ home, store, builtins: false, adapters: { marker: markerAdapter } });
      const result = await hub.resume(runId);
      expect(result.error).toBeUndefined();
      expect(result.status).toBe('completed');
      expect(readFileSync(log, 'utf8').trim().split('\n')).toEqual(['one', 'two', 'two', 'three']);
      expect(result.stages.map((s) => [s.id, s.status])).toEqual([
        ['one', 'completed'],
        ['two', 'completed'],
        ['three', 'completed'],
      ]);
      // stage two got stage one's output, restored from the store
      expect(result.stages[1]?.output).toEqual({ name: 'two', input: { name: 'one', input: { from: 'child' } } });
      const events = await store.listEvents(runId);
      expect(events.filter((e) => e.type === 'run.started').map((e) => e.type === 'run.started' && e.resumed)).toEqual([false, true]);
      expect(new Set(events.map((e) => e.seq)).size).toBe(events.length);
      expect((await store.getRun(runId))?.status).toBe('completed');
    } finally {
      await store.close();
    }
  });
});
