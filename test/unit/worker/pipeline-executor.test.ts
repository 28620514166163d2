import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRunStore } from '../../../src/index.js';
import { pipelineExecutor, type PipelineRunner, type WorkItem, type WorkJob } from '../../../src/worker/index.js';

function job(parameters: Record<string, unknown>, item: Partial<WorkItem> = {}): WorkJob & { lines: string[] } {
  const lines: string[] = [];
  const full: WorkItem = { id: 'fr1', name: 'happy-otter', label: 'flow run happy-otter', parameters, runId: 'prefect-fr1', ...item };
  return { item: full, parameters, signal: new AbortController().signal, log: (m) => lines.push(m), lines };
}

describe('pipelineExecutor (runs the pipeline a work item carries)', () => {
  it('runs the carried pipeline with the item run id, modules resolved from baseDir, and reports the output', async () => {
    const calls: { doc: Record<string, unknown>; options: unknown }[] = [];
    const runner: PipelineRunner = { run: async (doc, options) => ((calls.push({ doc, options }), { status: 'completed', output: { n: 1 } })) };
    const execute = pipelineExecutor({ runner });
    const j = job({ pipeline: { name: 'etl', modules: ['./handlers.mjs', { inline: true }], stages: [] }, input: { day: 1 }, baseDir: '/srv/etl' });
    expect(await execute(j)).toEqual({ ok: true, output: { n: 1 } });
    expect(calls[0]!.doc.modules).toEqual([resolve('/srv/etl', './handlers.mjs'), { inline: true }]);
    expect(calls[0]!.options).toMatchObject({ input: { day: 1 }, runId: 'prefect-fr1', signal: j.signal });
    expect(j.lines).toEqual(['running pipeline etl with switchyard', 'pipeline etl ended completed']);

    // Without baseDir, the executor's default; without a run id on the item, `work-<id>`.
    await execute(job({ pipeline: { name: 'x', modules: ['m.mjs'] } }, { runId: undefined }));
    expect(calls[1]!.doc.modules).toEqual([resolve(process.cwd(), 'm.mjs')]);
    expect(calls[1]!.options).toMatchObject({ runId: 'work-fr1' });
    await pipelineExecutor({ runner, baseDir: '/opt' })(job({ pipeline: { name: 'x', modules: ['m.mjs'] } }));
    expect(calls[2]!.doc.modules).toEqual([resolve('/opt', 'm.mjs')]);
  });

  it('a run that does not complete is a failure naming the status and the error', async () => {
    const execute = pipelineExecutor({ runner: { run: async () => ({ status: 'failed', error: { message: 'stage x: boom' } }) } });
    expect(await execute(job({ pipeline: { name: 'p' } }))).toEqual({ ok: false, message: 'pipeline ended failed: stage x: boom' });
  });

  it('parameters without a pipeline object are INVALID_INPUT naming the item', async () => {
    const execute = pipelineExecutor({ runner: { run: async () => ({ status: 'completed' }) } });
    await expect(execute(job({ pipeline: [1] }))).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('flow run happy-otter: parameters.pipeline') });
  });

  describe('with the default hub', () => {
    let dir: string;
    const saved = { home: process.env.SWITCHYARD_HOME, roots: process.env.SWITCHYARD_MODULE_ROOTS };
    const restore = (name: string, value: string | undefined) => (value === undefined ? delete process.env[name] : (process.env[name] = value));
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'switchyard-executor-'));
      process.env.SWITCHYARD_HOME = join(dir, 'home');
      // The deployment's folder is outside the worker's working directory: the operator trusts it.
      process.env.SWITCHYARD_MODULE_ROOTS = dir;
      await writeFile(join(dir, 'handlers.mjs'), "export default (r) => { r.set('handler', 'twice', ({ input }) => input.n * 2); };\n");
    });
    afterAll(async () => {
      restore('SWITCHYARD_HOME', saved.home);
      restore('SWITCHYARD_MODULE_ROOTS', saved.roots);
      await rm(dir, { recursive: true, force: true });
    });

    it('runs on a HybridOrchestrator it makes itself, recorded under the item run id, and closes it', async () => {
      const execute = pipelineExecutor();
      const pipeline = { name: 'twice', modules: ['./handlers.mjs'], stages: [{ id: 'dag', type: 'prefect', task: { workflow: { nodes: [{ id: 'a', handler: 'twice' }] } } }] };
      const outcome = await execute(job({ pipeline, input: { n: 4 }, baseDir: dir }, { runId: 'prefect-unit-1' }));
      expect(outcome).toMatchObject({ ok: true, output: { result: 8 } });
      // A module outside the worker's folder and the operator's roots is refused, and nothing runs (the roots are
      // the operator's when the hub is made: a worker started without them).
      delete process.env.SWITCHYARD_MODULE_ROOTS;
      const strict = pipelineExecutor();
      await expect(strict(job({ pipeline, input: { n: 1 }, baseDir: dir }, { runId: 'prefect-unit-2' }))).rejects.toMatchObject({ code: 'INVALID_PIPELINE' });
      await strict.close();
      await execute.close();
      const store = await openRunStore();
      try {
        expect((await store.getRun('prefect-unit-1'))?.status).toBe('completed');
      } finally {
        await store.close();
      }
    });
  });
});
