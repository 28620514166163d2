import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HybridOrchestrator } from 'switchyard';
import { testAdapter } from '../../helpers/hub-adapters.js';
import { runCli } from '../../helpers/run-cli.js';

describe('runs show: decisions', () => {
  it('shows a rejected run as failed with who rejected it and why', async () => {
    const home = join(mkdtempSync(join(tmpdir(), 'sy-reject-')), 'home');
    const hub = () => new HybridOrchestrator({ home, builtins: false, adapters: { test: testAdapter('test') } });
    const pipeline = { name: 'gate', stages: [{ id: 'approve', type: 'test', task: { op: 'approve' } }, { id: 'deploy', type: 'test', task: { op: 'echo' } }] };
    const first = hub();
    const waiting = await first.run(pipeline);
    await first.close();
    const second = hub();
    const done = await second.reject(waiting.runId, { reason: 'too risky', by: 'ana' });
    await second.close();
    expect(done.status).toBe('failed');
    const shown = await runCli('runs', 'show', waiting.runId, '--home', home);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain(`run ${waiting.runId} (gate): failed`);
    expect(shown.stdout).toContain('approval at approve: approve approve? — rejected by ana: too risky\n');
    expect(shown.stdout).toContain('error: REJECTED: approve: the approval was rejected by ana: too risky');
  });
});
