import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HybridOrchestrator, Worker, createPrefectWorker, pipelineExecutor, type WorkExecutor, type WorkerEvent } from 'switchyard';
import { createAdapter } from 'switchyard/prefect';
import { createTestContext } from 'switchyard/adapter-kit/testing';
import {
  PrefectClient,
  deployPipeline,
  prefectWorkSource,
  runDeployment,
  setState,
  triggerDeployment,
  type PrefectWorkItem,
} from '../../adapters/prefect/server/index.js';
import { startPrefectServer, type PrefectServer } from '../helpers/prefect-server.js';

/**
 * Against a REAL Prefect server (installed with pip into a cached venv on first use, which takes
 * minutes; later runs start the server in ~10 s). Never a mock.
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLI = join(ROOT, 'test/helpers/cli.mjs');

let server: PrefectServer;
let client: PrefectClient;
let dir: string;
let pipelineFile: string;

const HANDLERS = `export default (registry) => {
  registry.set('handler', 'double', ({ input }) => (input?.n ?? 1) * 2);
  registry.set('handler', 'inc', ({ deps }) => deps.a + 1);
  registry.set('handler', 'slow', async ({ input }) => { await new Promise((r) => setTimeout(r, input?.ms ?? 200)); return 'slept'; });
};
`;

function pipelineDoc(name: string): Record<string, unknown> {
  return {
    name,
    modules: ['./handlers.mjs'],
    stages: [
      {
        id: 'compute',
        type: 'prefect',
        task: { workflow: { nodes: [{ id: 'a', handler: 'double' }, { id: 'b', handler: 'inc', dependsOn: ['a'] }] } },
      },
    ],
  };
}

const unique = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

beforeAll(async () => {
  server = await startPrefectServer();
  client = new PrefectClient({ url: server.url, timeoutMs: REQUEST_TIMEOUT_MS });
  dir = await mkdtemp(join(tmpdir(), 'switchyard-prefect-it-'));
  process.env.SWITCHYARD_HOME = join(dir, 'home');
  // Workers load `modules:` only from their folder or an operator's root: the deployments' folder is trusted.
  process.env.SWITCHYARD_MODULE_ROOTS = dir;
  await writeFile(join(dir, 'handlers.mjs'), HANDLERS);
  pipelineFile = join(dir, 'compute.yaml');
  await writeFile(pipelineFile, JSON.stringify(pipelineDoc('compute-pipeline')));
}, 1_200_000);

afterAll(async () => {
  await client?.close();
  await server?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Generous: a SQLite-backed server can stall a write for many seconds when the machine is busy. */
const REQUEST_TIMEOUT_MS = 120_000;

describe('prefect server (real)', { timeout: 480_000 }, () => {
  it('answers health and version through the typed client', async () => {
    expect(await client.health()).toBe(true);
    expect(await client.version()).toMatch(/^3\./);
  });

  it('reports a locally executed DAG: flow run, task runs with their upstream, states, logs', async () => {
    const adapter = createAdapter();
    const context = createTestContext({ runId: unique('run'), stageId: 'dag', input: 3 });
    const flowName = unique('reported-dag');
    const task = adapter.taskSchema.parse({
      workflow: {
        nodes: [
          { id: 'extract', handler: ({ input }: { input: number }) => input },
          { id: 'left', handler: async ({ deps }: { deps: Record<string, number> }) => ((await new Promise((r) => setTimeout(r, 250))), deps.extract! + 1), dependsOn: ['extract'] },
          { id: 'right', handler: ({ deps }: { deps: Record<string, number> }) => deps.extract! * 2, dependsOn: ['extract'] },
          { id: 'join', handler: ({ deps }: { deps: Record<string, number> }) => deps.left! + deps.right!, dependsOn: ['left', 'right'] },
        ],
      },
      report: { prefect: { url: server.url, flowName } },
    });
    const output = (await adapter.execute(task, context)) as { result: unknown };
    expect(output.result).toBe(10);
    const started = context.events.find((e) => e.kind === 'prefect.report.started');
    expect(context.events.filter((e) => e.kind === 'prefect.report.error')).toEqual([]);
    const flowRunId = (started?.data as { flowRunId: string }).flowRunId;

    const flowRun = await client.readFlowRun(flowRunId);
    expect(flowRun.state?.type).toBe('COMPLETED');
    const flow = await client.readFlow(flowRun.flow_id);
    expect(flow.name).toBe(flowName);

    const taskRuns = await client.filterTaskRuns({ flow_runs: { id: { any_: [flowRunId] } } });
    const byName = new Map(taskRuns.map((t) => [t.name, t]));
    expect([...byName.keys()].sort()).toEqual(['extract', 'join', 'left', 'right']);
    for (const t of taskRuns) expect(t.state?.type).toBe('COMPLETED');
    const idOf = (name: string) => byName.get(name)!.id;
    expect(byName.get('extract')!.task_inputs).toEqual({});
    expect(byName.get('left')!.task_inputs).toEqual({ extract: [{ input_type: 'task_run', id: idOf('extract') }] });
    expect(byName.get('join')!.task_inputs).toEqual({
      left: [{ input_type: 'task_run', id: idOf('left') }],
      right: [{ input_type: 'task_run', id: idOf('right') }],
    });
    // What Prefect's UI draws: the graph with its edges.
    const graph = await client.readFlowRunGraph(flowRunId);
    const parents = Object.fromEntries(graph.nodes.map(([, node]) => [node.label, node.parents.map((p) => p.id).sort()]));
    expect(parents).toEqual({ extract: [], left: [idOf('extract')], right: [idOf('extract')], join: [idOf('left'), idOf('right')].sort() });
    const logs = await client.filterLogs({ logs: { flow_run_id: { any_: [flowRunId] } } });
    expect(logs.map((l) => l.message)).toContain('DAG completed');
  });

  it('reports a failed node as FAILED, its dependants as skipped, the flow run FAILED with logs', async () => {
    const adapter = createAdapter();
    const context = createTestContext({ runId: unique('run'), stageId: 'dag', input: 1 });
    const task = adapter.taskSchema.parse({
      workflow: {
        nodes: [
          { id: 'ok', handler: () => 1 },
          { id: 'boom', handler: () => { throw new Error('disk full'); }, dependsOn: ['ok'] },
          { id: 'after', handler: () => 2, dependsOn: ['boom'] },
        ],
      },
      report: { prefect: { url: server.url, flowName: unique('failing-dag') } },
    });
    await expect(adapter.execute(task, context)).rejects.toThrow(/disk full/);
    const flowRunId = (context.events.find((e) => e.kind === 'prefect.report.started')?.data as { flowRunId: string }).flowRunId;
    expect((await client.readFlowRun(flowRunId)).state?.type).toBe('FAILED');
    const states = Object.fromEntries((await client.filterTaskRuns({ flow_runs: { id: { any_: [flowRunId] } } })).map((t) => [t.name, t.state?.type]));
    expect(states).toEqual({ ok: 'COMPLETED', boom: 'FAILED', after: 'CANCELLED' });
    const logs = await client.filterLogs({ logs: { flow_run_id: { any_: [flowRunId] } } });
    expect(logs.some((l) => l.message.includes('boom failed') && l.message.includes('disk full') && l.level === 40)).toBe(true);
  });

  it('triggers a deployment as a stage and waits while `switchyard worker` (a real process) runs it', async () => {
    const pool = unique('pool');
    const deployed = await runCli(['deploy', pipelineFile, '--pool', pool, '--name', 'adhoc', '--json']);
    expect(deployed.code, deployed.stderr).toBe(0);
    const info = JSON.parse(deployed.stdout) as { deployment: string; poolCreated: boolean; poolType: string };
    expect(info).toMatchObject({ deployment: 'compute-pipeline/adhoc', poolCreated: true, poolType: 'process' });

    const worker = startCli(['worker', '--pool', pool, '--poll', '300ms', '--json']);
    try {
      const context = createTestContext({ runId: unique('run'), stageId: 'remote' });
      const result = await runDeployment(
        { type: 'deployment', deployment: 'compute-pipeline/adhoc', parameters: { input: { n: 5 } }, pollMs: 250, server: { url: server.url } },
        context,
      );
      expect(result.state).toBe('COMPLETED');
      expect(result.result).toMatchObject({ result: 11, outputs: { a: 10, b: 11 } });
      const states = context.events.filter((e) => e.kind === 'prefect.state').map((e) => (e.data as { state: string }).state);
      expect(states.at(-1)).toBe('COMPLETED');
      expect(states).toContain('SCHEDULED');
      // The worker heartbeats: Prefect lists it on the pool.
      const workers = await client.readWorkers(pool);
      expect(workers.map((w) => w.name).some((n) => n.startsWith('switchyard-'))).toBe(true);
    } finally {
      worker.child.kill('SIGTERM');
    }
    const exit = await worker.exited;
    expect(exit.code).toBe(0);
    expect(exit.stdout).toContain('"type":"claimed"');
    expect(exit.stdout).toContain('"state":"COMPLETED"');
  });

  it('cancels the flow run in Prefect when the stage is aborted, and the worker stops running it', async () => {
    const pool = unique('pool');
    const flowName = unique('slow-pipeline');
    const doc = { name: flowName, modules: ['./handlers.mjs'], stages: [{ id: 'nap', type: 'prefect', task: { workflow: { nodes: [{ id: 'z', handler: 'slow' }] } } }] };
    await deployPipeline(client, { pipeline: doc, pool, baseDir: dir });
    let seen: AbortSignal | undefined;
    const execute: WorkExecutor<PrefectWorkItem> = async (job) => {
      seen = job.signal;
      await new Promise<void>((resolve) => job.signal.addEventListener('abort', () => resolve(), { once: true }));
      return { ok: false, message: 'stopped' };
    };
    const worker = new Worker({ source: prefectWorkSource({ client, pool }), execute, pollIntervalMs: 200, cancelCheckMs: 200 });
    const running = worker.run();
    const controller = new AbortController();
    const events: string[] = [];
    const trigger = triggerDeployment(client, {
      deployment: `${flowName}/default`,
      pollMs: 200,
      signal: controller.signal,
      emit: (e) => events.push(`${e.kind}:${(e.data as { state?: string }).state ?? ''}`),
    });
    // Abort once the worker has it RUNNING.
    for (let i = 0; i < 200 && !events.includes('prefect.state:RUNNING'); i++) await new Promise((r) => setTimeout(r, 50));
    controller.abort();
    await expect(trigger).rejects.toMatchObject({ code: 'CANCELLED' });
    for (let i = 0; i < 100 && !seen?.aborted; i++) await new Promise((r) => setTimeout(r, 50));
    expect(seen?.aborted).toBe(true);
    await worker.stop();
    await running;
    const flowRunId = worker.executed[0]!;
    for (let i = 0; i < 100; i++) {
      if ((await client.readFlowRun(flowRunId)).state?.type === 'CANCELLED') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect((await client.readFlowRun(flowRunId)).state?.type).toBe('CANCELLED');
  });

  it('never runs a flow run twice: two workers share a pool, and a second claim of one run is refused', async () => {
    const pool = unique('pool');
    const flowName = unique('shared');
    const { deployment } = await deployPipeline(client, { pipeline: pipelineDoc(flowName), pool, baseDir: dir });

    const executions: { flowRunId: string; worker: string }[] = [];
    const hub = new HybridOrchestrator({ home: join(dir, 'shared-home') });
    const inner = pipelineExecutor({ runner: hub });
    const recording = (worker: string): WorkExecutor<PrefectWorkItem> => async (job) => {
      executions.push({ flowRunId: job.item.flowRun.id, worker });
      await new Promise((r) => setTimeout(r, 300)); // hold the slot so the other worker gets work too
      return inner(job);
    };
    const log: string[] = [];
    const polling = new Set<string>();
    const onEvent = (name: string) => (e: WorkerEvent) => {
      if (e.type === 'polled') polling.add(name);
      if (e.type !== 'polled' || e.found > 0) log.push(`${name} ${JSON.stringify(e)}`);
    };
    const w1 = new Worker({ source: prefectWorkSource({ client, pool }), name: 'w1', execute: recording('w1'), limit: 2, pollIntervalMs: 250, onEvent: onEvent('w1') });
    const w2Client = new PrefectClient({ url: server.url, timeoutMs: REQUEST_TIMEOUT_MS });
    const w2 = new Worker({ source: prefectWorkSource({ client: w2Client, pool }), name: 'w2', execute: recording('w2'), limit: 2, pollIntervalMs: 250, onEvent: onEvent('w2') });
    const runs = [w1.run(), w2.run()];
    // Both are polling (heartbeats on a SQLite server can take a moment), then the work arrives.
    await waitFor(async () => (polling.size === 2 ? true : undefined), 180_000);
    const N = 8;
    for (let i = 0; i < N; i++) await client.createFlowRunFromDeployment(deployment.id, { parameters: { input: { n: i } } });
    // The deployment's runs as Prefect has them (a create retried after a lost answer could add one).
    const deploymentRuns = () => client.filterFlowRuns({ flow_runs: { deployment_id: { any_: [deployment.id] } } });
    const finals = await waitFor(async () => {
      const flowRuns = await deploymentRuns();
      return flowRuns.length >= N && flowRuns.every((r) => r.state?.type === 'COMPLETED') ? flowRuns : undefined;
    }, 120_000).catch((error: Error) => {
      throw new Error(`${error.message}\n${log.join('\n')}`);
    });
    await Promise.all([w1.stop(), w2.stop()]);
    await Promise.all(runs);
    await w2Client.close();
    await hub.close();

    const runIds = finals.map((r) => r.id).sort();
    const perRun = new Map<string, number>();
    for (const e of executions) perRun.set(e.flowRunId, (perRun.get(e.flowRunId) ?? 0) + 1);
    expect([...perRun.keys()].sort(), log.join('\n')).toEqual(runIds);
    expect([...perRun.values()].every((count) => count === 1), log.join('\n')).toBe(true);
    expect(w1.executed.length + w2.executed.length).toBe(runIds.length);
    expect(w1.executed.length, log.join('\n')).toBeGreaterThan(0);
    expect(w2.executed.length, log.join('\n')).toBeGreaterThan(0);
    for (const run of finals) expect((run.state?.data as { result: number }).result).toBe((run.parameters.input as { n: number }).n * 2 + 1);

    // The race itself: two workers propose PENDING for the same run at once; Prefect takes exactly one.
    const contested = await client.createFlowRunFromDeployment(deployment.id, {});
    const other = new PrefectClient({ url: server.url, timeoutMs: REQUEST_TIMEOUT_MS });
    const claims = await Promise.all([
      setState(client, 'flow_run', contested.id, { type: 'PENDING' }),
      setState(other, 'flow_run', contested.id, { type: 'PENDING' }),
    ]);
    await other.close();
    expect(claims.map((c) => c.status).sort()).toEqual(['ABORT', 'ACCEPT']);
    await setState(client, 'flow_run', contested.id, { type: 'CANCELLED' });
  });

  it('a schedule produces runs: the cron deployment gets scheduled runs, and a worker runs an interval one on time', async () => {
    const pool = unique('pool');
    const cronFlow = unique('nightly');
    const cron = await deployPipeline(client, { pipeline: pipelineDoc(cronFlow), pool, cron: '30 2 * * *', timezone: 'Europe/Berlin', baseDir: dir });
    expect(cron.deployment.schedules?.[0]?.schedule).toMatchObject({ cron: '30 2 * * *', timezone: 'Europe/Berlin' });
    const scheduled = await waitFor(async () => {
      const runs = await client.filterFlowRuns({ flow_runs: { deployment_id: { any_: [cron.deployment.id] } } });
      return runs.length >= 3 ? runs : undefined;
    }, 60_000);
    for (const run of scheduled) {
      expect(run.state?.type).toBe('SCHEDULED');
      expect(run.auto_scheduled).toBe(true);
      const at = new Date(run.expected_start_time!);
      const berlin = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Berlin', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(at);
      expect(berlin).toBe('02:30');
      expect(at.getTime()).toBeGreaterThan(Date.now());
    }

    const everyFlow = unique('every');
    const every = await deployPipeline(client, { pipeline: pipelineDoc(everyFlow), pool, intervalSeconds: 3, input: { n: 20 }, baseDir: dir });
    const first = await waitFor(async () => {
      const runs = await client.filterFlowRuns({ flow_runs: { deployment_id: { any_: [every.deployment.id] } } }, { sort: 'EXPECTED_START_TIME_ASC' });
      return runs[0];
    }, 60_000);
    const hub = new HybridOrchestrator({ home: join(dir, 'schedule-home') });
    // The one-call form: the core's Worker on the pool's work source (this client and executor stay ours).
    const worker = await createPrefectWorker({ client, pool, execute: pipelineExecutor({ runner: hub }), prefetchMs: 60_000, limit: 1 });
    await worker.run({ once: true });
    await worker.close();
    await hub.close();
    expect(worker.executed).toHaveLength(1);
    const done = await client.readFlowRun(worker.executed[0]!);
    expect(done.deployment_id).toBe(every.deployment.id);
    expect(done.state?.type).toBe('COMPLETED');
    expect((done.state?.data as { result: number }).result).toBe(41);
    // Started no earlier than its scheduled time (the RUNNING proposal WAITed until then).
    expect(new Date(done.start_time!).getTime()).toBeGreaterThanOrEqual(new Date(first.expected_start_time!).getTime() - 1000);
  });

  it('turns Prefect 404 and 422 answers into clear errors', async () => {
    await expect(triggerDeployment(client, { deployment: 'no-such-flow/none' })).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('no-such-flow/none') });
    await expect(client.createDeployment({ name: 'x', flow_id: 'not-a-uuid' })).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('flow_id') });
  });
});

async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

function cliEnv(): NodeJS.ProcessEnv {
  return { ...process.env, PREFECT_API_URL: server.url, SWITCHYARD_HOME: join(dir, 'cli-home') };
}

function startCli(args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], { cwd: ROOT, env: cliEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
  return { child, exited };
}

async function runCli(args: string[]) {
  return startCli(args).exited;
}
