import { afterAll, describe, expect, it } from 'vitest';
import { collectDeprecations } from 'switchyard/adapter-kit';
import { createTestContext } from 'switchyard/adapter-kit/testing';
import { createAdapter, retrySchema } from 'switchyard/langgraph';
import { retryPolicy } from '../../../adapters/langgraph/graph-builder.js';
import { tempHome, uniqueRunId } from '../../helpers/langgraph.js';

const home = tempHome();
const adapter = createAdapter();
afterAll(() => adapter.close?.());

const run = async (task: unknown) => {
  const ctx = createTestContext({ engine: 'langgraph', home: home(), runId: uniqueRunId() });
  const output = await adapter.execute(adapter.taskSchema.parse(task), ctx);
  return { output, ctx };
};

/** Fails `times` times, then returns `{ ok: true }`. */
function flaky(times: number) {
  const state = { calls: 0 };
  const handler = () => {
    state.calls++;
    if (state.calls <= times) throw new Error(`flake ${state.calls}`);
    return { ok: true };
  };
  return { handler, state };
}

describe('langgraph nodes take the shared retry shape', () => {
  it('maps it onto LangGraph RetryPolicy with the shared defaults', () => {
    expect(retryPolicy({ attempts: 4, minDelayMs: 10, maxDelayMs: 50, factor: 3, jitter: false })).toMatchObject({ maxAttempts: 4, initialInterval: 10, backoffFactor: 3, maxInterval: 50, jitter: false, logWarning: false });
    expect(retryPolicy({})).toMatchObject({ maxAttempts: 3, initialInterval: 100, backoffFactor: 2, maxInterval: 30_000, jitter: true });
    expect(retryPolicy({ backoff: 'fixed', factor: 5 })).toMatchObject({ backoffFactor: 1 });
    const policy = retryPolicy({ on: ['TIMEOUT'] });
    expect(policy.retryOn!(Object.assign(new Error('slow'), { code: 'TIMEOUT' }))).toBe(true);
    expect(policy.retryOn!(new Error('other'))).toBe(false);
    expect(retryPolicy({}).retryOn!(new DOMException('stop', 'AbortError'))).toBe(false);
  });

  it('a node that fails twice then succeeds with retry: { attempts: 3 }', async () => {
    const { handler, state } = flaky(2);
    const { output, ctx } = await run({ workflow: { nodes: [{ name: 'fetch', handler, retry: { attempts: 3 } }] } });
    expect(state.calls).toBe(3);
    expect(output).toEqual({ ok: true });
    expect(ctx.events.filter((e) => e.kind === 'node.failed')).toHaveLength(2);
  });

  it('the task retry is the default for every node; `on` limits what is retried', async () => {
    const { handler, state } = flaky(1);
    await run({ workflow: { nodes: [{ name: 'fetch', handler }] }, retry: { attempts: 2, minDelayMs: 1, jitter: false } });
    expect(state.calls).toBe(2);
    const other = flaky(1);
    await expect(run({ workflow: { nodes: [{ name: 'fetch', handler: other.handler }] }, retry: { attempts: 3, minDelayMs: 1, jitter: false, on: ['TIMEOUT'] } })).rejects.toMatchObject({ message: 'flake 1' });
    expect(other.state.calls).toBe(1);
  });

  it('the old LangGraph names still work, translated, with a deprecation naming the new shape', async () => {
    const parsed = retrySchema.parse({ maxAttempts: 3, initialIntervalMs: 1, backoffFactor: 2, maxIntervalMs: 10, jitter: false });
    expect(parsed).toEqual({ attempts: 3, minDelayMs: 1, factor: 2, maxDelayMs: 10, jitter: false });
    expect(collectDeprecations(parsed, 'stages[0].task.retry')).toMatchObject([
      { path: 'stages[0].task.retry', message: 'deprecated, use retry: { attempts: 3, minDelayMs: 1, factor: 2, maxDelayMs: 10, jitter: false }', spelling: 'langgraph.retry' },
    ]);
    const { handler, state } = flaky(2);
    const { output } = await run({ workflow: { nodes: [{ name: 'fetch', handler, retry: { maxAttempts: 3, initialIntervalMs: 1, jitter: false } }] } });
    expect(state.calls).toBe(3);
    expect(output).toEqual({ ok: true });
    expect(collectDeprecations(retrySchema.parse({ attempts: 3 }), 'x')).toEqual([]);
  });
});
