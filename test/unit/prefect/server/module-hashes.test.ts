import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Worker, pipelineExecutor, type PipelineRunner } from '../../../../src/worker/index.js';
import { PrefectClient, deployPipeline, prefectWorkSource, type FlowRun } from '../../../../adapters/prefect/server/index.js';
import { startRecorder, type Recorded, type Reply } from '../../../helpers/prefect-recorder.js';

let dir: string;
const CODE = "export default (r) => { r.set('handler', 'a', () => 1); };\n";
const sha = (text: string) => `sha256:${createHash('sha256').update(text).digest('hex')}`;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'switchyard-module-hashes-'));
  await writeFile(join(dir, 'handlers.mjs'), CODE);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function setup(answer: (req: Recorded) => Reply) {
  const recorder = await startRecorder(answer);
  const client = new PrefectClient({ url: recorder.url, backoffMs: 1, env: {} });
  cleanups.push(() => recorder.close(), () => client.close());
  return { recorder, client };
}

const pipeline = { name: 'p', modules: ['./handlers.mjs'], stages: [] };

describe('deployments record the code they carry', () => {
  it('stores the sha256 of each modules: file in the deployment parameters', async () => {
    const { recorder, client } = await setup((req) => {
      if (req.url === '/api/flows/') return { status: 201, body: { id: 'f1', name: 'p' } };
      if (req.url.startsWith('/api/work_pools/') && req.method === 'GET') return { status: 200, body: { id: 'p1', name: 'pool', type: 'process' } };
      if (req.url === '/api/deployments/') return { status: 201, body: { id: 'd1', name: 'default', flow_id: 'f1', parameters: {} } };
      return { status: 404, body: { detail: 'unexpected' } };
    });
    const result = await deployPipeline(client, { pipeline, pool: 'pool', baseDir: dir, retries: 2, retryDelaySeconds: 5 });
    expect(result.moduleHashes).toEqual({ './handlers.mjs': sha(CODE) });
    const body = recorder.requests.find((r) => r.url === '/api/deployments/')!.body as { parameters: Record<string, unknown> };
    expect(body.parameters).toMatchObject({ pipeline, baseDir: dir, moduleHashes: { './handlers.mjs': sha(CODE) }, retries: 2, retryDelaySeconds: 5 });
  });

  it('refuses to deploy a module it cannot read', async () => {
    const { client } = await setup((req) =>
      req.url === '/api/flows/' ? { status: 201, body: { id: 'f1', name: 'p' } } : { status: 200, body: { id: 'p1', name: 'pool', type: 'process' } },
    );
    await expect(deployPipeline(client, { pipeline: { ...pipeline, modules: ['./gone.mjs'] }, pool: 'pool', baseDir: dir })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringContaining('modules[0]: cannot read ./gone.mjs'),
    });
  });
});

describe('a worker whose copy of a module differs refuses the flow run', () => {
  const flowRun = (parameters: Record<string, unknown>): FlowRun => ({ id: 'fr1', name: 'otter', flow_id: 'f', parameters, state: { type: 'SCHEDULED' } });

  async function runOnce(parameters: Record<string, unknown>) {
    // The flow run's state as the server keeps it (the worker reads it back before it reports the end).
    let current: unknown = { type: 'SCHEDULED' };
    const { recorder, client } = await setup((req) => {
      if (req.url.endsWith('/set_state')) current = (req.body as { state: unknown }).state;
      if (req.url.endsWith('/get_scheduled_flow_runs')) return { status: 200, body: [{ work_pool_id: 'p', work_queue_id: 'q', flow_run: flowRun(parameters) }] };
      if (req.url.endsWith('/set_state')) return { status: 201, body: { status: 'ACCEPT', state: (req.body as { state: unknown }).state, details: {} } };
      if (req.url === '/api/flow_runs/fr1') return { status: 200, body: { ...flowRun(parameters), state: current } };
      if (req.url === '/api/work_pools/pool') return { status: 200, body: { id: 'p1', name: 'pool', type: 'process' } };
      return { status: 204 };
    });
    const ran: string[] = [];
    const runner: PipelineRunner = {
      run: async (doc) => {
        ran.push(String(doc.name));
        return { status: 'completed', output: 1 };
      },
    };
    const worker = new Worker({ source: prefectWorkSource({ client, pool: 'pool' }), execute: pipelineExecutor({ runner }), name: 'w1', pollIntervalMs: 10 });
    await worker.run({ once: true });
    const states = recorder.requests.filter((r) => r.url.endsWith('/set_state')).map((r) => (r.body as { state: { type: string; message?: string } }).state);
    return { states, ran };
  }

  it('FAILED naming the file and both hashes, and nothing of the pipeline runs', async () => {
    const recorded = sha('the deployed version\n');
    const { states, ran } = await runOnce({ pipeline, baseDir: dir, moduleHashes: { './handlers.mjs': recorded } });
    expect(ran).toEqual([]);
    expect(states.map((s) => s.type)).toEqual(['PENDING', 'RUNNING', 'FAILED']);
    expect(states[2]!.message).toContain(`modules[0] ./handlers.mjs (${join(dir, 'handlers.mjs')}): the deployment has ${recorded}, this worker has ${sha(CODE)}`);
  });

  it('FAILED when the worker has no such file', async () => {
    const { states, ran } = await runOnce({ pipeline: { ...pipeline, modules: ['./elsewhere.mjs'] }, baseDir: dir, moduleHashes: { './elsewhere.mjs': sha(CODE) } });
    expect(ran).toEqual([]);
    expect(states.at(-1)).toMatchObject({ type: 'FAILED', message: expect.stringContaining(`the deployment has ${sha(CODE)}, this worker has no such file`) });
  });

  it('runs when the copies match (and when the deployment recorded no hashes)', async () => {
    const matching = await runOnce({ pipeline, baseDir: dir, moduleHashes: { './handlers.mjs': sha(CODE) } });
    expect(matching.ran).toEqual(['p']);
    expect(matching.states.at(-1)?.type).toBe('COMPLETED');
    const older = await runOnce({ pipeline, baseDir: dir });
    expect(older.ran).toEqual(['p']);
  });
});
