/**
 * Flow runs worked by one switchyard worker against one `prefect worker start --type process` on the same real
 * Prefect server: FLOW_RUNS short flow runs created SCHEDULED with a start time in the past for each side's
 * deployment, then one worker started; from each flow run's record (`POST /api/flow_runs/filter`:
 * `expected_start_time`, `start_time`, `end_time`) the time from scheduled to running and to completed, and flow
 * runs per minute (first scheduled time to last end).
 *
 *   node --expose-gc --import tsx bench/prefect-worker.bench.ts
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { HybridOrchestrator, createPrefectWorker, pipelineExecutor } from 'switchyard';
import { PrefectClient, deployPipeline } from '../adapters/prefect/server/index.js';
import { PREFECT_VENV, startPrefectServer } from '../test/helpers/prefect-server.js';
import { recordBenchmark } from './record.js';

const run = promisify(execFile);
const FLOW_RUNS = Number(process.env.BENCH_FLOW_RUNS ?? 100);
const LIMIT = 4;
const POLL_SECONDS = 2;
const SIDE_TIMEOUT_MS = Number(process.env.BENCH_SIDE_TIMEOUT_MS ?? 300_000);

interface FlowRunRecord {
  readonly id: string;
  readonly expected_start_time?: string | null;
  readonly start_time?: string | null;
  readonly end_time?: string | null;
  readonly state?: { readonly type?: string } | null;
}

const server = await startPrefectServer();
const api = server.url;
const dir = await mkdtemp(join(tmpdir(), 'sy-bench-prefect-worker-'));
const client = new PrefectClient({ url: api, timeoutMs: 30_000 });

async function rest<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${api}${path}`, { method, headers: { 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as T;
}

/** FLOW_RUNS flow runs of the deployment, SCHEDULED one second in the past (so every one is due at once). */
async function schedule(deploymentId: string): Promise<string[]> {
  const at = new Date(Date.now() - 1000).toISOString();
  const ids: string[] = [];
  for (let i = 0; i < FLOW_RUNS; i++) {
    const created = await rest<FlowRunRecord>('POST', `/deployments/${deploymentId}/create_flow_run`, { state: { type: 'SCHEDULED', state_details: { scheduled_time: at } } });
    ids.push(created.id);
  }
  return ids;
}

async function readRuns(ids: readonly string[]): Promise<FlowRunRecord[]> {
  return rest<FlowRunRecord[]>('POST', '/flow_runs/filter', { flow_runs: { id: { any_: ids } }, limit: ids.length });
}

/** Waits until every flow run is in a terminal state (or the time box ends); returns the records. */
async function finished(ids: readonly string[]): Promise<{ runs: FlowRunRecord[]; timedOut: boolean }> {
  const deadline = Date.now() + SIDE_TIMEOUT_MS;
  for (;;) {
    const runs = await readRuns(ids);
    const done = runs.filter((r) => ['COMPLETED', 'FAILED', 'CRASHED', 'CANCELLED'].includes(r.state?.type ?? ''));
    if (done.length === ids.length) return { runs, timedOut: false };
    if (Date.now() > deadline) return { runs, timedOut: true };
    await new Promise((r) => setTimeout(r, 500));
  }
}

interface Summary {
  readonly completed: number;
  readonly states: string;
  readonly toRunning: { p50: number; p90: number; max: number };
  readonly toCompleted: { p50: number; p90: number; max: number };
  readonly runSeconds: number;
  readonly perMinute: number;
  readonly timedOut: boolean;
  /** From the worker's start (process spawn or `run()`) to the last end: flow runs per minute. */
  readonly fromStartPerMinute: number;
}

function summarise(runs: readonly FlowRunRecord[], timedOut: boolean, workerStartedAt: number): Summary {
  const t = (s?: string | null) => (s ? new Date(s).getTime() : NaN);
  const quant = (xs: number[]) => {
    const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
    const q = (p: number) => (s.length ? s[Math.min(s.length - 1, Math.floor(p * s.length))]! / 1000 : NaN);
    return { p50: q(0.5), p90: q(0.9), max: s.length ? s[s.length - 1]! / 1000 : NaN };
  };
  const completed = runs.filter((r) => r.state?.type === 'COMPLETED');
  const counts = new Map<string, number>();
  for (const r of runs) counts.set(r.state?.type ?? '?', (counts.get(r.state?.type ?? '?') ?? 0) + 1);
  const first = Math.min(...runs.map((r) => t(r.expected_start_time)));
  const last = Math.max(...completed.map((r) => t(r.end_time)));
  const span = (last - first) / 1000;
  return {
    completed: completed.length,
    states: [...counts].map(([k, v]) => `${v} ${k}`).join(', '),
    toRunning: quant(runs.map((r) => t(r.start_time) - t(r.expected_start_time))),
    toCompleted: quant(completed.map((r) => t(r.end_time) - t(r.expected_start_time))),
    runSeconds: span,
    perMinute: completed.length / (span / 60),
    timedOut,
    fromStartPerMinute: completed.length / ((last - workerStartedAt) / 60_000),
  };
}

// ---- switchyard: one worker in process (createPrefectWorker), a one-stage pipeline with one trivial handler ----
await writeFile(join(dir, 'handlers.mjs'), "export default (registry) => { registry.set('handler', 'one', () => 1); };\n");
process.env.SWITCHYARD_MODULE_ROOTS = dir;
const syPool = 'sy-bench';
const deployed = await deployPipeline(client, {
  pipeline: { name: 'sy-bench', modules: ['./handlers.mjs'], stages: [{ id: 'one', type: 'prefect', task: { workflow: { nodes: [{ id: 'a', handler: 'one' }] } } }] },
  pool: syPool,
  baseDir: dir,
});
const syIds = await schedule(deployed.deployment.id);
const hub = new HybridOrchestrator({ home: join(dir, 'sy-home') });
const syStarted = Date.now();
const worker = await createPrefectWorker({ client, pool: syPool, execute: pipelineExecutor({ runner: hub }), limit: LIMIT, pollIntervalMs: POLL_SECONDS * 1000 });
const working = worker.run();
const sy = await finished(syIds);
await worker.stop();
await working;
await worker.close();
await hub.close();
const switchyard = summarise(sy.runs, sy.timedOut, syStarted);

// ---- Prefect: one `prefect worker start --type process`, a trivial Python flow deployed with from_source().deploy() ----
const pfPool = 'pf-bench';
const prefectEnv: NodeJS.ProcessEnv = {
  PATH: `${join(PREFECT_VENV, 'bin')}:${process.env.PATH ?? ''}`,
  HOME: process.env.HOME,
  LANG: 'C.UTF-8',
  PREFECT_API_URL: api,
  PREFECT_HOME: join(dir, 'prefect-home'),
  PREFECT_LOGGING_LEVEL: 'WARNING',
  PREFECT_WORKER_QUERY_SECONDS: String(POLL_SECONDS),
  PREFECT_SERVER_ANALYTICS_ENABLED: 'false',
};
const prefectBin = join(PREFECT_VENV, 'bin', 'prefect');
let prefect: Summary | undefined;
let prefectProblem: string | undefined;
let child: ChildProcess | undefined;
try {
  await writeFile(join(dir, 'flow.py'), 'from prefect import flow\n\n\n@flow(log_prints=False)\ndef trivial():\n    return 1\n');
  await writeFile(
    join(dir, 'deploy.py'),
    `from prefect import flow\nd = flow.from_source(source=${JSON.stringify(dir)}, entrypoint="flow.py:trivial").deploy(name="pf-bench", work_pool_name=${JSON.stringify(pfPool)}, print_next_steps=False)\nprint(d)\n`,
  );
  await run(prefectBin, ['work-pool', 'create', pfPool, '--type', 'process'], { env: prefectEnv, cwd: dir, timeout: 120_000 });
  const { stdout } = await run(join(PREFECT_VENV, 'bin', 'python'), [join(dir, 'deploy.py')], { env: prefectEnv, cwd: dir, timeout: 180_000 });
  const deploymentId = stdout.trim().split('\n').pop()!.trim();
  const pfIds = await schedule(deploymentId);
  let output = '';
  const pfStarted = Date.now();
  child = spawn(prefectBin, ['worker', 'start', '--type', 'process', '--pool', pfPool, '--limit', String(LIMIT)], { env: prefectEnv, cwd: dir, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (c: Buffer) => (output = (output + c.toString()).slice(-4000)));
  child.stderr?.on('data', (c: Buffer) => (output = (output + c.toString()).slice(-4000)));
  const pf = await finished(pfIds);
  prefect = summarise(pf.runs, pf.timedOut, pfStarted);
  if (prefect.completed === 0) prefectProblem = `no flow run completed; the worker said: ${output.slice(-600)}`;
} catch (error) {
  prefectProblem = (error as Error).message.slice(0, 600);
} finally {
  if (child?.pid !== undefined) {
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
}
await new Promise((r) => setTimeout(r, 2000));
await client.close();
await server.stop();
await rm(dir, { recursive: true, force: true });

const s = (v: number) => (Number.isFinite(v) ? `${v.toFixed(2)} s` : '–');
const row = (name: string, m: Summary) =>
  `| ${name} | ${m.completed} of ${FLOW_RUNS}${m.timedOut ? ' (time box ended)' : ''} | ${s(m.toRunning.p50)} / ${s(m.toRunning.p90)} / ${s(m.toRunning.max)} | ${s(m.toCompleted.p50)} / ${s(m.toCompleted.p90)} / ${s(m.toCompleted.max)} | ${m.runSeconds.toFixed(1)} s | **${m.perMinute.toFixed(1)}** | ${m.fromStartPerMinute.toFixed(1)} |`;
const load = os.loadavg()[0]!.toFixed(1);
const ratio = prefect && prefect.completed > 0 ? `Flow runs per minute, switchyard ÷ Prefect: **${(switchyard.perMinute / prefect.perMinute).toFixed(2)}×**; median scheduled → completed, Prefect ÷ switchyard: ${(prefect.toCompleted.p50 / switchyard.toCompleted.p50).toFixed(2)}×.` : `The Prefect-side worker was not measured: ${prefectProblem ?? 'unknown'}. The switchyard figures stand alone.`;
const table = `## prefect-worker: switchyard worker against \`prefect worker\` (\`bench/prefect-worker.bench.ts\`)

One real Prefect 3 server (\`test/helpers/prefect-server.ts\`), ${FLOW_RUNS} flow runs per side, each created SCHEDULED one
second in the past (all due at once) before its worker starts. **switchyard**: one worker in process
(\`createPrefectWorker\`, \`limit: ${LIMIT}\`, poll ${POLL_SECONDS} s) on a pool of its own, running a deployed one-stage pipeline
(\`deployPipeline\`; one handler returning 1). **Prefect**: one \`prefect worker start --type process --limit ${LIMIT}\`
(\`PREFECT_WORKER_QUERY_SECONDS=${POLL_SECONDS}\`) on a process pool, running a trivial Python flow (\`return 1\`) deployed with
\`flow.from_source(...).deploy(...)\`; each flow run is a new Python process. Times come from the flow runs' records
(\`POST /api/flow_runs/filter\`): to running = \`start_time − expected_start_time\`, to completed = \`end_time −
expected_start_time\`; flow runs per minute = completed ÷ (last \`end_time\` − first \`expected_start_time\`). The sides run
one after the other against the same server. Creating the flow runs (REST, one after the other) takes part of
the scheduled → running time on both sides; *per minute from worker start* counts from the worker's start instead
(for Prefect, spawning \`prefect worker\`, so its Python start-up is in it). Load average at the start: ${load} on ${os.cpus().length} CPUs.

| worker | completed | scheduled → running p50 / p90 / max | scheduled → completed p50 / p90 / max | span | flow runs per minute | per minute from worker start |
|---|---|---|---|---:|---:|---:|
${row('switchyard (`createPrefectWorker`)', switchyard)}
${prefect ? row('Prefect (`prefect worker --type process`)', prefect) : `| Prefect (\`prefect worker --type process\`) | not measured | – | – | – | – | – |`}

Final states: switchyard ${switchyard.states}${prefect ? `; Prefect ${prefect.states}` : ''}.
${ratio}`;

process.stdout.write(`${table}\n`);
await recordBenchmark('prefect-worker', table);
