import { describe, expect, it } from 'vitest';
import { Resources, SwitchyardError } from 'switchyard';
import type { AgentLike, Handler } from 'switchyard';
import { createPrefectAdapter, compileDag, prefectTaskSchema } from 'switchyard/prefect';
import type { DagNodeInput, DagResult } from 'switchyard/prefect';
import { createTestContext } from 'switchyard/adapter-kit/testing';

const adapter = createPrefectAdapter();
const run = (task: unknown, options: Parameters<typeof createTestContext>[0] = {}) => {
  const ctx = createTestContext({ engine: 'prefect', ...options });
  return { ctx, promise: adapter.execute(prefectTaskSchema.parse(task), ctx) as Promise<DagResult> };
};
const caught = async (promise: Promise<unknown>): Promise<SwitchyardError> => {
  try {
    await promise;
  } catch (error) {
    return error as SwitchyardError;
  }
  throw new Error('expected a rejection');
};

describe('prefect local DAG engine', () => {
  it('runs seed 002 string nodes as a chain in list order, bound to registered handlers', async () => {
    const resources = new Resources();
    const calls: string[] = [];
    for (const name of ['extract', 'transform', 'load', 'verify']) {
      resources.set('handler', name, ((input: DagNodeInput) => {
        calls.push(name);
        return { name, saw: Object.keys(input.deps) };
      }) as Handler);
    }
    const { ctx, promise } = run({ workflow: { nodes: ['extract', 'transform', 'load', 'verify'] } }, { resources, input: { day: 1 } });
    const result = await promise;
    expect(calls).toEqual(['extract', 'transform', 'load', 'verify']);
    expect(result.completed).toEqual(['extract', 'transform', 'load', 'verify']);
    expect(result.outputs.transform).toEqual({ name: 'transform', saw: ['extract'] });
    expect(result.result).toEqual({ name: 'verify', saw: ['load'] });
    expect(ctx.events.map((e) => e.kind)).toContain('node.completed');
  });

  it('passes dependency outputs keyed by node id plus the stage input', async () => {
    const seen: DagNodeInput[] = [];
    const task = {
      workflow: {
        nodes: [
          { id: 'a', handler: () => 1 },
          { id: 'b', handler: async () => 2 },
          { id: 'sum', dependsOn: ['a', 'b'], handler: (input: DagNodeInput) => (seen.push(input), (input.deps.a as number) + (input.deps.b as number)) },
        ],
      },
      input: { k: 'v' },
    };
    const { promise } = run(task);
    const result = await promise;
    expect(result.result).toBe(3);
    expect(seen[0]).toEqual({ input: { k: 'v' }, deps: { a: 1, b: 2 } });
  });

  it('binds nodes to agents (AgentLike) and function handlers', async () => {
    const agent: AgentLike = { name: 'summariser', run: async (input) => ({ status: 'completed', content: `summary of ${JSON.stringify((input as DagNodeInput).deps)}` }) };
    const resources = new Resources();
    resources.set('agent', 'summarise', agent);
    const { promise } = run({ workflow: { nodes: [{ id: 'fetch', handler: () => 'doc' }, { id: 'summarise', dependsOn: ['fetch'] }] } }, { resources });
    expect((await promise).result).toBe('summary of {"fetch":"doc"}');
  });

  it('honours the concurrency limit', async () => {
    let active = 0;
    let peak = 0;
    const slow: Handler = async () => {
      active++;
      peak = Math.max(peak, active);
      await new Promise((r) => setTimeout(r, 5));
      active--;
      return null;
    };
    const nodes = Array.from({ length: 12 }, (_, i) => ({ id: `n${i}`, handler: slow, dependsOn: [] }));
    const { promise } = run({ workflow: { nodes, concurrency: 3 } });
    await promise;
    expect(peak).toBe(3);
  });

  it('retries a failing node with backoff and then succeeds', async () => {
    let attempts = 0;
    const flaky = () => {
      attempts++;
      if (attempts < 3) throw new Error(`flake ${attempts}`);
      return 'ok';
    };
    const { ctx, promise } = run({ workflow: { nodes: [{ id: 'flaky', handler: flaky, retry: { attempts: 4, minDelayMs: 1 } }] } });
    const result = await promise;
    expect(result.result).toBe('ok');
    expect(attempts).toBe(3);
    expect(result.stats.retries).toBe(2);
    expect(ctx.events.filter((e) => e.kind === 'node.retry')).toHaveLength(2);
  });

  it('times out a node that takes too long and aborts its signal', async () => {
    let aborted = false;
    const hang: Handler = (_input, context) =>
      new Promise((resolve) => {
        context.signal.addEventListener('abort', () => {
          aborted = true;
          resolve(null);
        });
      });
    const error = await caught(run({ workflow: { nodes: [{ id: 'hang', handler: hang, timeoutMs: 20 }] } }).promise);
    expect(error.code).toBe('STAGE_FAILED');
    expect(error.message).toContain('node "hang" failed');
    expect(error.message).toContain('timed out after 20 ms');
    expect(aborted).toBe(true);
  });

  it('returns partial results on failure: completed nodes, their outputs, skipped dependants; independent branches continue', async () => {
    const task = {
      workflow: {
        nodes: [
          { id: 'a', handler: () => 'A' },
          { id: 'bad', dependsOn: ['a'], handler: () => { throw new Error('boom'); } },
          { id: 'after-bad', dependsOn: ['bad'], handler: () => 'never' },
          { id: 'side', dependsOn: ['a'], handler: async () => 'S' },
        ],
      },
    };
    const error = await caught(run(task).promise);
    expect(error).toBeInstanceOf(SwitchyardError);
    expect(error.code).toBe('STAGE_FAILED');
    expect(error.message).toMatch(/node "bad" failed: boom; 2 of 4 nodes completed, 1 skipped/);
    expect(error.details).toMatchObject({ completed: ['a', 'side'], outputs: { a: 'A', side: 'S' }, skipped: ['after-bad'], failed: [{ node: 'bad', message: 'boom' }] });
  });

  it('stops starting nodes after a failure with onNodeFailure: stop', async () => {
    const ran: string[] = [];
    const nodes = [
      { id: 'bad', dependsOn: [], handler: () => { throw new Error('x'); } },
      ...['p', 'q', 'r'].map((id) => ({ id, dependsOn: [], handler: () => void ran.push(id) })),
    ];
    const error = await caught(run({ workflow: { nodes, onNodeFailure: 'stop' } }).promise);
    expect(ran).toEqual([]);
    expect((error.details as { skipped: string[] }).skipped).toEqual(['p', 'q', 'r']);
  });

  it('cancels promptly through the AbortSignal and reports what completed', async () => {
    const controller = new AbortController();
    const task = {
      workflow: {
        nodes: [
          { id: 'quick', handler: () => 1 },
          { id: 'forever', handler: () => new Promise(() => {}) },
        ],
      },
    };
    const { promise } = run(task, { signal: controller.signal });
    setTimeout(() => controller.abort(new DOMException('stop', 'AbortError')), 10);
    const error = await caught(promise);
    expect(error.code).toBe('CANCELLED');
    expect(error.details).toEqual({ completed: ['quick'] });
  });

  it('runs a wide 2,000-node DAG with mixed sync and async handlers', async () => {
    const nodes = [{ id: 'root', handler: () => 1 }, ...Array.from({ length: 1998 }, (_, i) => ({ id: `w${i}`, dependsOn: ['root'], handler: i % 2 ? () => 1 : async () => 1 }))];
    nodes.push({ id: 'sink', dependsOn: nodes.slice(1).map((n) => n.id), handler: (input: DagNodeInput) => Object.values(input.deps).length } as never);
    const result = await run({ workflow: { nodes } }).promise;
    expect(result.result).toBe(1998);
    expect(result.completed).toHaveLength(2000);
  });
});

describe('prefect DAG validation', () => {
  const validate = (task: unknown, resources = new Resources()) => adapter.validate!(prefectTaskSchema.parse(task), { path: 'stages[0].task', resources, baseDir: process.cwd() });
  const validationError = (fn: () => void): SwitchyardError => {
    try {
      fn();
    } catch (error) {
      return error as SwitchyardError;
    }
    throw new Error('expected a validation error');
  };

  it('names the nodes of a cycle', () => {
    const resources = new Resources();
    for (const id of ['a', 'b', 'c']) resources.set('handler', id, () => null);
    const error = validationError(() => validate({ workflow: { nodes: [{ id: 'a', dependsOn: ['c'] }, { id: 'b', dependsOn: ['a'] }, { id: 'c', dependsOn: ['b'] }] } }, resources));
    expect(error.code).toBe('INVALID_PIPELINE');
    expect(error.message).toBe('stages[0].task.workflow.nodes: expected an acyclic graph; found the cycle a -> b -> c -> a');
  });

  it('names a missing dependency', () => {
    const error = validationError(() => compileDag([{ id: 'load', dependsOn: ['transfrom'] }, { id: 'transform' }], 'nodes'));
    expect(error.message).toBe('nodes[0].dependsOn[0]: expected the id of a node in this workflow; node "load" depends on "transfrom", which does not exist');
  });

  it('names a duplicate id and an unregistered handler', () => {
    expect(validationError(() => compileDag(['a', 'a'], 'nodes')).message).toContain('nodes[1]: expected a unique node id; got "a" again');
    const error = validationError(() => validate({ workflow: { nodes: ['extract'] } }));
    expect(error.message).toBe('stages[0].task.workflow.nodes[0]: expected a registered handler or agent; got "extract" (known: none)');
  });

  it('rejects bad task shapes with a path', () => {
    const result = prefectTaskSchema.safeParse({ workflow: { nodes: [{ id: 'a', retry: -1 }] } });
    expect(result.success).toBe(false);
    const etl = prefectTaskSchema.safeParse({ type: 'scheduled_etl' });
    expect(etl.success).toBe(false);
  });

  it('rejects an invalid cron or zone in a scheduled_etl stage', () => {
    expect(validationError(() => validate({ type: 'scheduled_etl', schedule: '0 25 * * *' })).message).toMatch(/^stages\[0\]\.task\.schedule: expected a cron expression/);
    expect(validationError(() => validate({ type: 'scheduled_etl', schedule: '0 2 * * *', timezone: 'Mars/Olympus' })).message).toMatch(/^stages\[0\]\.task\.timezone: expected an IANA time zone/);
  });
});
