import { spawn } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { openRunStore } from 'switchyard';

const root = fileURLToPath(new URL('../../../', import.meta.url));

interface Cli {
  readonly home: string;
  readonly dir: string;
  run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }>;
  start(args: string[]): { child: ReturnType<typeof spawn>; output: () => string; exited: Promise<number | null> };
}

async function cli(): Promise<Cli> {
  const dir = await mkdtemp(join(tmpdir(), 'sy-cli-'));
  const entry = join(dir, 'cli.mts');
  await writeFile(entry, `import { main } from ${JSON.stringify(join(root, 'src/cli/main.ts'))};\nprocess.exitCode = await main(process.argv.slice(2));\n`);
  const home = join(dir, 'home');
  const env = { ...process.env, SWITCHYARD_HOME: home };
  const start = (args: string[]) => {
    const child = spawn(process.execPath, ['--import', 'tsx', entry, ...args], { cwd: root, env });
    let text = '';
    child.stdout.on('data', (d: Buffer) => (text += d.toString()));
    child.stderr.on('data', (d: Buffer) => (text += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    return { child, output: () => text, exited };
  };
  return {
    home,
    dir,
    start,
    async run(args) {
      const child = spawn(process.execPath, ['--import', 'tsx', entry, ...args], { cwd: root, env });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
      return { code, stdout, stderr };
    },
  };
}

async function waitFor(condition: () => Promise<boolean> | boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

const PIPELINE = `name: tick
stages:
  - id: etl
    type: prefect
    task:
      type: scheduled_etl
      schedule: "*/30 * * * *"
      register: false
      sources:
        - name: numbers
          records: [1, 2, 3]
`;

describe('switchyard schedule / scheduler CLI', () => {
  it('rejects an invalid cron, zone or duration with one clear line and exit 2', async () => {
    const c = await cli();
    await writeFile(join(c.dir, 'p.yaml'), PIPELINE);
    const badCron = await c.run(['schedule', 'add', join(c.dir, 'p.yaml'), '--cron', '0 2 * *']);
    expect(badCron.code).toBe(2);
    expect(badCron.stderr).toBe('error: --cron: expected a cron expression such as "0 2 * * *" (minute hour day month weekday, optional leading seconds); got "0 2 * *" (it has 4 fields)\n');
    const badZone = await c.run(['schedule', 'add', join(c.dir, 'p.yaml'), '--cron', '0 2 * * *', '--tz', 'Mars/Olympus']);
    expect(badZone.code).toBe(2);
    expect(badZone.stderr.trim().split('\n')).toHaveLength(1);
    expect(badZone.stderr).toContain('--tz: expected an IANA time zone');
    const badEvery = await c.run(['schedule', 'add', join(c.dir, 'p.yaml'), '--every', 'soon']);
    expect(badEvery.code).toBe(2);
    expect(badEvery.stderr).toContain('--every: expected a duration');
    const missing = await c.run(['schedule', 'rm', 'nope', '--json']);
    expect(missing.code).toBe(2);
  }, 60_000);

  it('adds, lists, pauses, resumes and removes schedules (--json)', async () => {
    const c = await cli();
    await writeFile(join(c.dir, 'p.yaml'), PIPELINE);
    const added = await c.run(['schedule', 'add', join(c.dir, 'p.yaml'), '--cron', '0 2 * * *', '--tz', 'Europe/Paris', '--id', 'nightly', '--json']);
    expect(added.stderr).toBe('');
    expect(JSON.parse(added.stdout)).toMatchObject({ id: 'nightly', cron: '0 2 * * *', timezone: 'Europe/Paris', paused: false, overlap: 'skip', missed: 'skip' });
    const fromStage = await c.run(['schedule', 'add', join(c.dir, 'p.yaml'), '--id', 'from-stage', '--json']);
    expect(JSON.parse(fromStage.stdout)).toMatchObject({ id: 'from-stage', cron: '*/30 * * * *' });
    expect((await c.run(['schedule', 'pause', 'nightly', '--json'])).stdout).toContain('"paused": true');
    expect((await c.run(['schedule', 'resume', 'nightly', '--json'])).stdout).toContain('"paused": false');
    const list = JSON.parse((await c.run(['schedule', 'list', '--json'])).stdout) as { id: string }[];
    expect(list.map((s) => s.id).sort()).toEqual(['from-stage', 'nightly']);
    expect(JSON.parse((await c.run(['schedule', 'rm', 'from-stage', '--json'])).stdout)).toEqual({ id: 'from-stage', removed: true });
    expect((await c.run(['schedule', 'list'])).stdout).toMatch(/nightly\s+cron 0 2 \* \* \* \(Europe\/Paris\)\s+active/);
  }, 60_000);

  it('`scheduler` fires an every-second schedule into real pipeline runs and stops cleanly on SIGTERM', async () => {
    const c = await cli();
    await writeFile(join(c.dir, 'p.yaml'), PIPELINE);
    expect((await c.run(['schedule', 'add', join(c.dir, 'p.yaml'), '--every', '1s', '--id', 'tick'])).code).toBe(0);
    const scheduler = c.start(['scheduler', '--grace', '10s', '--reload', '500ms']);
    const store = await openRunStore(c.home);
    try {
      await waitFor(async () => (await store.listRuns()).filter((r) => r.status === 'completed').length >= 2);
      scheduler.child.kill('SIGTERM');
      expect(await scheduler.exited).toBe(0);
      expect(scheduler.output()).toContain('scheduler stopped');
      const runs = await store.listRuns();
      expect(runs.every((r) => r.pipelineName === 'tick' && r.runId.startsWith('sched-'))).toBe(true);
      expect(runs.some((r) => r.status === 'running')).toBe(false);
      expect((await store.getSchedule('tick'))?.lastRunId).toMatch(/^sched-/);
    } finally {
      if (scheduler.child.exitCode === null) scheduler.child.kill('SIGKILL');
      await store.close();
    }
  }, 60_000);

  it('`scheduler` records a run still going after the grace period as interrupted', async () => {
    const c = await cli();
    await writeFile(
      join(c.dir, 'slow.ts'),
      `export default (registry) => registry.set('handler', 'wait', (_input, context) => new Promise((resolve, reject) => {
  const timer = setTimeout(resolve, 60_000);
  context.signal.addEventListener('abort', () => { clearTimeout(timer); reject(context.signal.reason); });
}));\n`,
    );
    await writeFile(join(c.dir, 'slow.yaml'), 'name: slow\nmodules: [./slow.ts]\nstages:\n  - type: prefect\n    task: { workflow: { nodes: [wait] } }\n');
    expect((await c.run(['schedule', 'add', join(c.dir, 'slow.yaml'), '--every', '1s', '--id', 'slow'])).code).toBe(0);
    const scheduler = c.start(['scheduler', '--grace', '200ms']);
    const store = await openRunStore(c.home);
    try {
      await waitFor(async () => (await store.listRuns()).some((r) => r.status === 'running'));
      scheduler.child.kill('SIGINT');
      expect(await scheduler.exited).toBe(0);
      expect(scheduler.output()).toMatch(/slow: run sched-\S+ interrupted/);
      const runs = await store.listRuns();
      expect(runs).toHaveLength(1);
      expect(runs[0]?.status).toBe('interrupted');
    } finally {
      if (scheduler.child.exitCode === null) scheduler.child.kill('SIGKILL');
      await store.close();
    }
  }, 60_000);
});
