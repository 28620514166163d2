import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { Resources } from 'switchyard';
import { createAdapter } from 'switchyard/langgraph';
import { createTestContext } from 'switchyard/adapter-kit/testing';
import { tempHome, uniqueRunId } from '../../helpers/langgraph.js';

const home = tempHome();
const adapter = createAdapter();
afterAll(() => adapter.close?.());
afterEach(() => vi.unstubAllEnvs());

const ENDLESS = '($f := function($x) { $f($x) }; $f(1))';
const handlers = { check: () => ({ checked: true }), good: () => ({ path: 'good' }) };
const graph = (route: string) => ({ workflow: { nodes: ['check', 'good'], edges: [['good', 'end']], conditional: { check: route } }, handlers });

const run = async (task: unknown, signal?: AbortSignal) => {
  const ctx = createTestContext({ engine: 'langgraph', home: home(), runId: uniqueRunId(), ...(signal ? { signal } : {}) });
  return adapter.execute(adapter.taskSchema.parse(task), ctx);
};

async function failure(promise: Promise<unknown>): Promise<{ code?: string; message?: string; path?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as { code?: string; message?: string };
  }
  throw new Error('expected the run to fail');
}

describe('langgraph routes are bounded like every pipeline expression', () => {
  it('a route that never ends fails with the time budget, naming the route', async () => {
    vi.stubEnv('SWITCHYARD_EXPRESSION_TIMEOUT_MS', '150');
    const error = await failure(run(graph(ENDLESS)));
    expect(error.code).toBe('EXPRESSION_LIMIT');
    expect(error.message).toMatch(/conditional\.check: expression exceeded its 150 ms time budget$/);
  });

  it('the stage signal stops a running route', async () => {
    vi.stubEnv('SWITCHYARD_EXPRESSION_TIMEOUT_MS', '60000');
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const error = await failure(run(graph(ENDLESS), controller.signal));
    expect(['CANCELLED', 'TIMEOUT']).toContain(error.code);
  });

  it('a route with a regex RE2 cannot run does not validate', () => {
    const task = adapter.taskSchema.parse(graph('$match(state, /(a)\\1/) ? "good" : "end"'));
    expect(() => adapter.validate!(task, { path: 'stages[1].task', resources: new Resources(), baseDir: process.cwd() })).toThrow(
      expect.objectContaining({ code: 'INVALID_PIPELINE', path: 'stages[1].task.workflow.conditional.check', message: expect.stringContaining('is not supported') }),
    );
  });

  it('honest routes still route', async () => {
    await expect(run(graph('$contains($string(checked), /TRUE/i) ? "good" : "end"'))).resolves.toMatchObject({ path: 'good' });
  });
});
