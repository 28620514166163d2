import { afterAll, describe, expect, it } from 'vitest';
import { Resources, isWaitingForApproval } from 'switchyard';
import type { Handler } from 'switchyard';
import { createAdapter } from 'switchyard/langgraph';
import { createTestContext } from 'switchyard/adapter-kit/testing';
import { tempHome, uniqueRunId } from '../../helpers/langgraph.js';

const home = tempHome();
const adapter = createAdapter();
afterAll(() => adapter.close?.());

const run = async (task: unknown, options: Parameters<typeof createTestContext>[0] = {}) => {
  const ctx = createTestContext({ engine: 'langgraph', home: home(), runId: uniqueRunId(), ...options });
  const output = await adapter.execute(adapter.taskSchema.parse(task), ctx);
  return { output, ctx };
};

describe('langgraph spec graphs', () => {
  it('runs nodes in list order and merges each update into the state', async () => {
    const order: string[] = [];
    const step = (name: string): Handler => (state) => {
      order.push(name);
      return { [name]: true, seen: [...(((state as { seen?: string[] }).seen) ?? []), name] };
    };
    const { output } = await run(
      { workflow: { nodes: ['extract', 'transform', 'load'] }, handlers: { extract: step('extract'), transform: step('transform'), load: step('load') }, input: { source: 'db' } },
      { input: { previous: 1 } },
    );
    expect(order).toEqual(['extract', 'transform', 'load']);
    expect(output).toEqual({ previous: 1, source: 'db', extract: true, transform: true, load: true, seen: ['extract', 'transform', 'load'] });
  });

  it('stores a non-object node result under the node name and wraps a non-object stage input', async () => {
    const { output } = await run({ workflow: { nodes: [{ name: 'shout', handler: (state: { input: string }) => state.input.toUpperCase() }] } }, { input: 'hi' });
    expect(output).toEqual({ input: 'hi', shout: 'HI' });
  });

  it('binds nodes to registered handlers and agents by node name', async () => {
    const resources = new Resources();
    resources.set('handler', 'count', (state: { n: number }) => ({ n: state.n + 1 }));
    resources.set('agent', 'writer', {
      name: 'writer',
      run: async (input: unknown) => ({ status: 'completed' as const, content: `n is ${(input as { n: number }).n}` }),
    });
    const { output } = await run({ workflow: { nodes: ['count', 'writer'] }, input: { n: 1 } }, { resources });
    expect(output).toEqual({ n: 2, writer: 'n is 2' });
  });

  it('routes with a function and with a JSONata expression', async () => {
    const handlers = { check: (s: { score: number }) => ({ high: s.score > 5 }), good: () => ({ path: 'good' }), bad: () => ({ path: 'bad' }) };
    const fn = await run({ workflow: { nodes: ['check', 'good', 'bad'], edges: [['good', 'end'], ['bad', 'end']], conditional: { check: (s: Record<string, unknown>) => (s.high ? 'good' : 'bad') } }, handlers, input: { score: 9 } });
    expect(fn.output).toMatchObject({ path: 'good' });
    const expr = await run({ workflow: { nodes: ['check', 'good', 'bad'], edges: [['good', 'end'], ['bad', 'end']], conditional: { check: 'high ? "good" : "bad"' } }, handlers, input: { score: 1 } });
    expect(expr.output).toMatchObject({ path: 'bad' });
    const route = expr.ctx.events.find((event) => event.kind === 'route.decided');
    expect(route?.data).toEqual({ from: 'check', to: 'bad' });
  });

  it('routes to the end', async () => {
    const { output } = await run({ workflow: { nodes: ['a', 'b'], conditional: { a: '"end"' } }, handlers: { a: () => ({ a: 1 }), b: () => ({ b: 1 }) } });
    expect(output).toEqual({ a: 1 });
  });

  it('fails the stage when a route names no node', async () => {
    await expect(run({ workflow: { nodes: ['a', 'b'], conditional: { a: '"nowhere"' } }, handlers: { a: () => ({}), b: () => ({}) } })).rejects.toMatchObject({
      code: 'STAGE_FAILED',
      message: expect.stringContaining('conditional.a'),
    });
  });

  it('forwards node, route and checkpoint events', async () => {
    const { ctx } = await run({ workflow: { nodes: ['a', 'b'] }, handlers: { a: () => ({ a: 1 }), b: () => ({ b: 1 }) } });
    const kinds = ctx.events.map((event) => event.kind);
    expect(kinds[0]).toBe('graph.started');
    expect(kinds.filter((kind) => kind === 'node.started')).toHaveLength(2);
    expect(kinds.filter((kind) => kind === 'node.completed')).toHaveLength(2);
    expect(kinds).toContain('checkpoint.saved');
    expect(kinds.at(-1)).toBe('graph.completed');
    expect(ctx.events.filter((e) => e.kind === 'node.started').map((e) => e.data?.node)).toEqual(['a', 'b']);
  });

  it('retries a node with its retry policy', async () => {
    let calls = 0;
    const flaky = () => {
      calls++;
      if (calls < 3) throw new Error(`flake ${calls}`);
      return { ok: true };
    };
    const { output, ctx } = await run({ workflow: { nodes: [{ name: 'flaky', handler: flaky, retry: { attempts: 3, minDelayMs: 1, jitter: false } }] } });
    expect(calls).toBe(3);
    expect(output).toEqual({ ok: true });
    const nodeEvents = ctx.events.filter((event) => event.kind.startsWith('node.')).map((event) => event.kind);
    expect(nodeEvents).toEqual(['node.started', 'node.failed', 'node.started', 'node.failed', 'node.started', 'node.completed']);
  });

  it('fails with the handler error once retries run out', async () => {
    await expect(run({ workflow: { nodes: ['x'] }, handlers: { x: () => { throw new Error('broken node'); } }, retry: { attempts: 2, minDelayMs: 1, jitter: false } })).rejects.toMatchObject({
      code: 'STAGE_FAILED',
      message: 'broken node',
    });
  });

  it('maps the recursion limit', async () => {
    const task = { workflow: { nodes: ['loop'], conditional: { loop: () => 'loop' } }, handlers: { loop: (s: { i?: number }) => ({ i: (s.i ?? 0) + 1 }) }, recursionLimit: 5 };
    await expect(run(task)).rejects.toMatchObject({ code: 'STAGE_FAILED', message: expect.stringContaining('Recursion limit of 5') });
  });

  it('times out a slow node with nodeTimeoutMs', async () => {
    const slow: Handler = (_state, context) => new Promise((resolve, reject) => {
      const timer = setTimeout(resolve, 5_000);
      context.signal.addEventListener('abort', () => { clearTimeout(timer); reject(context.signal.reason as Error); });
    });
    await expect(run({ workflow: { nodes: ['slow'] }, handlers: { slow }, nodeTimeoutMs: 50 })).rejects.toMatchObject({ code: 'TIMEOUT' });
  });

  it('times out the whole graph with timeoutMs', async () => {
    const slow: Handler = (_state, context) => new Promise((resolve, reject) => {
      const timer = setTimeout(resolve, 5_000);
      context.signal.addEventListener('abort', () => { clearTimeout(timer); reject(context.signal.reason as Error); });
    });
    await expect(run({ workflow: { nodes: ['slow'] }, handlers: { slow }, timeoutMs: 50 })).rejects.toMatchObject({ code: 'TIMEOUT' });
  });

  it('hands the node a signal that aborts when the stage is cancelled', async () => {
    const controller = new AbortController();
    let aborted = false;
    const slow: Handler = (_state, context) => new Promise((_resolve, reject) => {
      context.signal.addEventListener('abort', () => { aborted = true; reject(context.signal.reason as Error); });
      controller.abort(new DOMException('stop', 'AbortError'));
    });
    await expect(run({ workflow: { nodes: ['slow'] }, handlers: { slow } }, { signal: controller.signal })).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(aborted).toBe(true);
  });

  it('a graph without an approval point never waits', async () => {
    const { output } = await run({ workflow: { nodes: ['a'] }, handlers: { a: () => ({ a: 1 }) } });
    expect(isWaitingForApproval(output)).toBe(false);
  });
});
