import { describe, expect, it } from 'vitest';
import { collectDeprecations } from 'switchyard/adapter-kit';
import { createTestContext } from 'switchyard/adapter-kit/testing';
import { createPrefectAdapter, prefectTaskSchema, retrySchema } from 'switchyard/prefect';
import type { DagResult } from 'switchyard/prefect';

const adapter = createPrefectAdapter();
const run = (task: unknown) => {
  const ctx = createTestContext({ engine: 'prefect' });
  return { ctx, promise: adapter.execute(prefectTaskSchema.parse(task), ctx) as Promise<DagResult> };
};

function flaky(times: number) {
  const state = { calls: 0 };
  const handler = () => {
    state.calls++;
    if (state.calls <= times) throw new Error(`flake ${state.calls}`);
    return 'ok';
  };
  return { handler, state };
}

describe('prefect DAG nodes take the shared retry shape', () => {
  it('a node that fails twice then succeeds with retry: { attempts: 3 }', async () => {
    const { handler, state } = flaky(2);
    const { ctx, promise } = run({ workflow: { nodes: [{ id: 'fetch', handler, retry: { attempts: 3 } }] } });
    const result = await promise;
    expect(result.result).toBe('ok');
    expect(state.calls).toBe(3);
    expect(result.stats.retries).toBe(2);
    expect(ctx.events.filter((e) => e.kind === 'node.retry').map((e) => e.data?.attempt)).toEqual([1, 2]);
  });

  it('gives up after the attempts; the workflow retry is every node default; `on` limits what is retried', async () => {
    const always = flaky(10);
    await expect(run({ workflow: { nodes: [{ id: 'fetch', handler: always.handler }], retry: { attempts: 2, minDelayMs: 1 } } }).promise).rejects.toMatchObject({ code: 'STAGE_FAILED' });
    expect(always.state.calls).toBe(2);
    const other = flaky(1);
    await expect(run({ workflow: { nodes: [{ id: 'fetch', handler: other.handler, retry: { attempts: 3, minDelayMs: 1, on: ['TIMEOUT'] } }] } }).promise).rejects.toMatchObject({ code: 'STAGE_FAILED' });
    expect(other.state.calls).toBe(1);
  });

  it('retries a timed-out attempt: the node timeout bounds each attempt', async () => {
    let calls = 0;
    const slowOnce = () => (++calls === 1 ? new Promise(() => {}) : 'second try');
    const result = await run({ workflow: { nodes: [{ id: 'slow', handler: slowOnce, timeoutMs: 20, retry: { attempts: 2, minDelayMs: 1 } }] } }).promise;
    expect(result.result).toBe('second try');
    expect(calls).toBe(2);
  });

  it('the old spellings still work, translated, with a deprecation naming the new shape', async () => {
    const number = retrySchema.parse(3);
    expect(number).toEqual({ attempts: 4 });
    expect(collectDeprecations(number, 'stages[2].task.workflow.nodes[0].retry').map((d) => `${d.path}: ${d.message}`)).toEqual(['stages[2].task.workflow.nodes[0].retry: deprecated, use retry: { attempts: 4 }']);
    const object = retrySchema.parse({ retries: 2, minTimeoutMs: 1, maxTimeoutMs: 5, factor: 3 });
    expect(object).toEqual({ attempts: 3, minDelayMs: 1, maxDelayMs: 5, factor: 3 });
    expect(collectDeprecations(object, 'r')[0]?.message).toBe('deprecated, use retry: { attempts: 3, minDelayMs: 1, maxDelayMs: 5, factor: 3 }');
    expect(collectDeprecations(retrySchema.parse({ attempts: 3 }), 'r')).toEqual([]);

    const { handler, state } = flaky(2);
    const result = await run({ workflow: { nodes: [{ id: 'fetch', handler, retry: { retries: 2, minTimeoutMs: 1 } }] } }).promise;
    expect(result.result).toBe('ok');
    expect(state.calls).toBe(3);
    const numeric = flaky(1);
    expect((await run({ workflow: { nodes: [{ id: 'fetch', handler: numeric.handler }], retry: 1 } }).promise).result).toBe('ok');
  });
});
