import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../helpers/run-cli.js';
import { startRecorder, type Recorded, type Reply } from '../../../helpers/prefect-recorder.js';

let dir: string;
let file: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'switchyard-deploy-cli-'));
  file = join(dir, 'etl.yaml');
  await writeFile(join(dir, 'handlers.mjs'), "export default (r) => { r.set('handler', 'extract', () => 1); r.set('handler', 'transform', ({ deps }) => deps.extract + 1); };\n");
  await writeFile(file, 'name: etl\nmodules: [./handlers.mjs]\nstages:\n  - id: dag\n    type: prefect\n    task:\n      workflow:\n        nodes: [extract, transform]\n');
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('switchyard deploy / worker: bad input exits 2 before any request', () => {
  it.each([
    [['deploy', 'etl.yaml', '--pool', 'p', '--cron', 'not cron'], '--cron'],
    [['deploy', 'etl.yaml', '--pool', 'p', '--cron', '0 2 * * *', '--tz', 'Mars/Olympus'], '--tz'],
    [['deploy', 'etl.yaml', '--pool', 'p', '--cron', '0 2 * * *', '--interval', '1h'], '--interval'],
    [['deploy', 'etl.yaml', '--pool', 'p', '--input', '{nope'], '--input'],
    [['worker', '--pool', 'p', '--limit', '0'], '--limit'],
    [['worker', '--pool', 'p', '--poll', 'soon'], '--poll'],
  ])('%j names %s', async (argv, flag) => {
    const result = await runCli(...argv.map((a) => (a === 'etl.yaml' ? file : a)));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(flag);
  });

  it('names PREFECT_API_URL when no server is configured', async () => {
    const saved = process.env.PREFECT_API_URL;
    delete process.env.PREFECT_API_URL;
    try {
      const result = await runCli('deploy', file, '--pool', 'p');
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('PREFECT_API_URL');
    } finally {
      if (saved !== undefined) process.env.PREFECT_API_URL = saved;
    }
  });
});

describe('switchyard deploy on the wire', () => {
  it('creates the flow, the missing pool and a scheduled deployment carrying the pipeline', async () => {
    const answer = (req: Recorded): Reply => {
      if (req.url === '/api/flows/') return { status: 201, body: { id: 'f1', name: 'etl' } };
      if (req.url === '/api/work_pools/etl-pool' && req.method === 'GET') return { status: 404, body: { detail: 'Work pool not found.' } };
      if (req.url === '/api/work_pools/') return { status: 201, body: { id: 'p1', name: 'etl-pool', type: 'process' } };
      if (req.url === '/api/deployments/') return { status: 201, body: { id: 'd1', name: 'nightly', flow_id: 'f1', parameters: {} } };
      return { status: 404, body: { detail: 'unexpected' } };
    };
    const recorder = await startRecorder(answer);
    try {
      const result = await runCli('deploy', file, '--pool', 'etl-pool', '--cron', '0 2 * * *', '--tz', 'Europe/Berlin', '--name', 'nightly', '--api-url', recorder.url, '--json');
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(JSON.parse(result.stdout)).toMatchObject({ deployment: 'etl/nightly', deploymentId: 'd1', poolCreated: true, schedule: { cron: '0 2 * * *', timezone: 'Europe/Berlin' } });
      const deploy = recorder.requests.find((r) => r.url === '/api/deployments/')!.body as Record<string, unknown>;
      expect(deploy).toMatchObject({
        name: 'nightly',
        flow_id: 'f1',
        work_pool_name: 'etl-pool',
        schedules: [{ schedule: { cron: '0 2 * * *', timezone: 'Europe/Berlin' }, active: true }],
        parameters: { pipeline: { name: 'etl', stages: [expect.objectContaining({ id: 'dag' })] }, baseDir: dir },
      });
      expect(recorder.requests.find((r) => r.url === '/api/work_pools/')!.body).toMatchObject({ name: 'etl-pool', type: 'process' });
    } finally {
      await recorder.close();
    }
  });
});
