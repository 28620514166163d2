import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const exec = promisify(execFile);
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const homes: string[] = [];
afterAll(() => {
  for (const home of homes) rmSync(home, { recursive: true, force: true });
});

interface CliResult {
  readonly runId: string;
  readonly status: string;
  readonly output: Record<string, unknown>;
  readonly pendingApproval?: { stageId: string; point: string; message: string; payload: unknown };
}

/** `switchyard ARGS --json`, each call a new process (the CLI from source, as `npx switchyard` runs the build). */
async function switchyard(home: string, ...args: string[]): Promise<CliResult & { exitCode: number }> {
  const { stdout, exitCode } = await exec(process.execPath, ['--import', 'tsx', join(root, 'test/helpers/cli.mjs'), ...args, '--json', '--home', home], {
    cwd: root,
    timeout: 120_000,
    env: { ...process.env, SWITCHYARD_CHECKPOINT_URL: '' },
  }).then(
    ({ stdout }) => ({ stdout, exitCode: 0 }),
    // a run that ends failed (a rejection) exits 1 and still prints its result
    (error: { stdout?: string; code?: number }) => ({ stdout: error.stdout ?? '', exitCode: error.code ?? -1 }),
  );
  return { ...(JSON.parse(stdout) as CliResult), exitCode };
}

const newHome = () => {
  const home = mkdtempSync(join(tmpdir(), 'sy-langgraph-cli-'));
  homes.push(home);
  return home;
};

describe('approval examples on the command line: run, then approve or reject in a new process', () => {
  it('examples/approval-cicd: `switchyard approve` deploys', async () => {
    const home = newHome();
    const waiting = await switchyard(home, 'run', 'examples/approval-cicd/pipeline.yaml');
    expect(waiting.status).toBe('waiting');
    expect(waiting.pendingApproval).toMatchObject({ stageId: 'release', point: 'approve', message: 'Deploy this build to production?' });
    expect(existsSync(join(home, 'checkpoints.sqlite'))).toBe(true);
    expect(existsSync(join(home, 'deployments.log'))).toBe(false);

    const done = await switchyard(home, 'approve', waiting.runId, '--data', '{"version":"2.0.1"}', '--by', 'release-manager');
    expect(done.status).toBe('completed');
    expect(done.output).toMatchObject({ approved: true, approval: { by: 'release-manager' }, deployed: { environment: 'production', version: '2.0.1' } });
    expect(readFileSync(join(home, 'deployments.log'), 'utf8')).toContain(`production 2.0.1 run=${waiting.runId}`);
  });

  it('examples/approval-document-analysis: `switchyard reject` stops before implementing', async () => {
    const home = newHome();
    const waiting = await switchyard(home, 'run', 'examples/approval-document-analysis/pipeline.yaml');
    expect(waiting.status).toBe('waiting');
    expect((waiting.pendingApproval?.payload as { plan: unknown[] }).plan).toHaveLength(3);

    const done = await switchyard(home, 'reject', waiting.runId, '--reason', 'needs a security review');
    // A rejection ends the run failed with code REJECTED (exit 1); the graph stage saw the decision and stopped.
    expect(done.status).toBe('failed');
    expect(done.exitCode).toBe(1);
    expect((done as { error?: { code: string } }).error?.code).toBe('REJECTED');
    const stage = (done as unknown as { stages: { type: string; output?: unknown }[] }).stages.find((s) => s.type === 'langgraph')?.output;
    expect(stage).toMatchObject({ approved: false, approval: { reason: 'needs a security review' } });
    expect(stage).not.toHaveProperty('implemented');
  });
});
