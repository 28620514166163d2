import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrefectClient } from '../../adapters/prefect/server/index.js';
import { startPostgres, type PostgresServer } from '../helpers/postgres.js';
import { startPrefectServer, type PrefectServer } from '../helpers/prefect-server.js';

/**
 * Crash recovery on a REAL Prefect server with a REAL PostgreSQL run store: two `switchyard worker` processes
 * (separate homes and working folders) share a pool; the one running a four-stage flow run is SIGKILLed in the
 * middle of a stage. The other sees the run's lease lapse, moves the flow run to CRASHED and schedules its retry
 * (the deployment allows retries), claims it and resumes the switchyard run from the store: completed stages do not
 * run again, the stage in flight at the kill runs again, the flow run ends COMPLETED.
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLI = join(ROOT, 'test/helpers/cli.mjs');
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/** Short intervals so the test is quick: the bound is lease TTL + lease check + poll, plus the stages left. */
const LEASE_TTL_MS = 3000;
const LEASE_RENEW_MS = 1000;
const LEASE_CHECK = '1s';
const POLL = '300ms';
const STAGE_MS = 1500;

let prefect: PrefectServer;
let pg: PostgresServer;
let client: PrefectClient;
let dir: string;
const workers: ChildProcess[] = [];

const HANDLERS = `import { appendFileSync } from 'node:fs';
const log = process.env.SIDE_EFFECT_LOG;
const step = (name) => async () => {
  appendFileSync(log, \`start \${name} \${process.pid}\\n\`);
  await new Promise((r) => setTimeout(r, ${STAGE_MS}));
  appendFileSync(log, \`done \${name} \${process.pid}\\n\`);
  return name;
};
export default (registry) => {
  for (const name of ['s1', 's2', 's3', 's4']) registry.set('handler', name, step(name));
};
`;

const pipeline = {
  name: 'crash-pipeline',
  modules: ['./handlers.mjs'],
  stages: ['s1', 's2', 's3', 's4'].map((id) => ({ id, type: 'prefect', task: { workflow: { nodes: [{ id: `n-${id}`, handler: id }] } } })),
};

beforeAll(async () => {
  [prefect, pg] = await Promise.all([startPrefectServer(), startPostgres({ database: 'switchyard_crash' })]);
  client = new PrefectClient({ url: prefect.url, timeoutMs: 120_000 });
  dir = await mkdtemp(join(tmpdir(), 'switchyard-prefect-crash-'));
  await writeFile(join(dir, 'handlers.mjs'), HANDLERS);
  await writeFile(join(dir, 'crash.json'), JSON.stringify(pipeline));
}, 1_200_000);

afterAll(async () => {
  for (const w of workers) if (w.exitCode === null && w.signalCode === null) w.kill('SIGKILL');
  await client?.close();
  await prefect?.stop();
  await pg?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

function env(name: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    PREFECT_API_URL: prefect.url,
    SWITCHYARD_STORE_URL: pg.url,
    SWITCHYARD_HOME: join(dir, name, 'home'),
    SWITCHYARD_MODULE_ROOTS: dir,
    SWITCHYARD_LEASE_TTL_MS: String(LEASE_TTL_MS),
    SWITCHYARD_LEASE_RENEW_MS: String(LEASE_RENEW_MS),
    SIDE_EFFECT_LOG: join(dir, 'side-effects.log'),
  };
}

function cli(args: string[], name: string, cwd: string) {
  const child = spawn(process.execPath, ['--import', TSX, CLI, ...args], { cwd, env: env(name), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
  return { child, exited, out: () => stdout, err: () => stderr };
}

async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('a worker killed in the middle of a flow run (real Prefect, real PostgreSQL)', { timeout: 600_000 }, () => {
  it('is crashed and retried by another worker, which resumes the run: completed stages ran once', async () => {
    const pool = `crash-${randomUUID().slice(0, 8)}`;
    const deployed = cli(['deploy', join(dir, 'crash.json'), '--pool', pool, '--retries', '2', '--json'], 'deployer', dir);
    expect((await deployed.exited).code, deployed.err()).toBe(0);
    const info = JSON.parse(deployed.out()) as { deploymentId: string; moduleHashes: Record<string, string>; retries: number };
    expect(info.retries).toBe(2);
    expect(Object.keys(info.moduleHashes)).toEqual(['./handlers.mjs']);

    const started: ReturnType<typeof cli>[] = [];
    for (const name of ['w1', 'w2']) {
      const cwd = join(dir, name, 'work');
      await mkdir(cwd, { recursive: true });
      const w = cli(['worker', '--pool', pool, '--name', name, '--poll', POLL, '--lease-check', LEASE_CHECK, '--json'], name, cwd);
      workers.push(w.child);
      started.push(w);
    }
    // Both poll before the work arrives.
    await waitFor(async () => (started.every((w) => w.out().includes('"type":"polled"')) ? true : undefined), 180_000, 'both workers polling');
    const flowRun = await client.createFlowRunFromDeployment(info.deploymentId, {});
    const log = join(dir, 'side-effects.log');
    const lines = async () => (await readFile(log, 'utf8').catch(() => '')).split('\n').filter(Boolean);

    // Kill the worker running it while s2 is in flight (s1 done).
    const victimPid = await waitFor(async () => {
      const l = await lines();
      const s2 = l.find((x) => x.startsWith('start s2 '));
      return s2 ? Number(s2.split(' ')[2]) : undefined;
    }, 240_000, 's2 starting');
    const victim = started.find((w) => w.child.pid === victimPid)!;
    const survivor = started.find((w) => w.child.pid !== victimPid)!;
    expect(victim, `no worker has pid ${victimPid}`).toBeDefined();
    victim.child.kill('SIGKILL');
    const killedAt = Date.now();
    expect((await victim.exited).signal).toBe('SIGKILL');

    // Crash detection within TTL + lease check + poll; the remaining three stages take 3 × STAGE_MS; slack for a
    // SQLite-backed Prefect server on a busy machine.
    const boundMs = LEASE_TTL_MS + 1000 + 300 + 3 * STAGE_MS + 30_000;
    const final = await waitFor(async () => {
      const run = await client.readFlowRun(flowRun.id);
      return run.state?.type === 'COMPLETED' || run.state?.type === 'FAILED' ? run : undefined;
    }, boundMs, `flow run ending (${survivor.out()}\n${survivor.err()})`);
    const recoveredMs = Date.now() - killedAt;
    expect(final.state?.type, final.state?.message ?? '').toBe('COMPLETED');
    expect(final.state?.message).toBe('completed on ' + (survivor === started[0] ? 'w1' : 'w2'));
    expect(final.run_count).toBe(2);
    // deploy --retries became the flow run's retry policy (what Prefect's own rule for FAILED reads).
    expect(final.empirical_policy).toMatchObject({ retries: 2 });
    console.log(`flow run ${flowRun.id} completed ${recoveredMs} ms after the kill (bound ${boundMs} ms)`);

    // The survivor saw the lapse and crashed + rescheduled the run, then claimed it.
    expect(survivor.out()).toContain('"type":"crashed"');
    expect(survivor.out()).toMatch(/"action":"crashed; retry 1 of 2 scheduled/);
    const l = await lines();
    const count = (prefix: string) => l.filter((x) => x.startsWith(prefix)).length;
    // Every stage completed once; s1 (done before the kill) was not run again; s2 (in flight) ran again.
    for (const s of ['s1', 's2', 's3', 's4']) expect(count(`done ${s} `), l.join('\n')).toBe(1);
    expect(count('start s1 ')).toBe(1);
    expect(count('start s2 ')).toBe(2);
    expect(l.filter((x) => x.startsWith('done s2 ') || x.startsWith('start s3 ') || x.startsWith('start s4 ')).every((x) => x.endsWith(` ${survivor.child.pid}`))).toBe(true);
    // The lease marker Prefect shows names the survivor now.
    expect(String(final.labels?.['switchyard.lease'] ?? '')).toContain(survivor === started[0] ? 'w1' : 'w2');

    survivor.child.kill('SIGTERM');
    expect((await survivor.exited).code).toBe(0);
  });

  it('a worker whose copy of a module differs from the deployed one fails the flow run naming both hashes', async () => {
    const pool = `hash-${randomUUID().slice(0, 8)}`;
    const folder = join(dir, 'drift');
    await mkdir(folder, { recursive: true });
    await writeFile(join(folder, 'handlers.mjs'), HANDLERS);
    await writeFile(join(folder, 'drift.json'), JSON.stringify({ ...pipeline, name: 'drift-pipeline' }));
    const deployed = cli(['deploy', join(folder, 'drift.json'), '--pool', pool, '--json'], 'deployer', folder);
    expect((await deployed.exited).code, deployed.err()).toBe(0);
    const info = JSON.parse(deployed.out()) as { deploymentId: string; moduleHashes: Record<string, string> };
    // The file changes after the deploy: this machine no longer has the deployed code.
    await writeFile(join(folder, 'handlers.mjs'), `${HANDLERS}// edited\n`);
    const flowRun = await client.createFlowRunFromDeployment(info.deploymentId, {});
    const cwd = join(dir, 'w3', 'work');
    await mkdir(cwd, { recursive: true });
    const w = cli(['worker', '--pool', pool, '--name', 'w3', '--once', '--json'], 'w3', cwd);
    workers.push(w.child);
    expect((await w.exited).code, w.out() + w.err()).toBe(1);
    const final = await client.readFlowRun(flowRun.id);
    expect(final.state?.type).toBe('FAILED');
    expect(final.state?.message).toContain(`modules[0] ./handlers.mjs (${join(folder, 'handlers.mjs')}): the deployment has ${info.moduleHashes['./handlers.mjs']}, this worker has sha256:`);
    expect(await readFile(join(dir, 'side-effects.log'), 'utf8')).not.toContain(String(w.child.pid));
  });
});
