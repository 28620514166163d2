import { describe, expect, it } from 'vitest';
import { Resources } from 'switchyard';
import type { ResourceRegistry } from 'switchyard';
import { createAdapter, planGraph, resolveCheckpointTarget, START_NODE, END_NODE } from 'switchyard/langgraph';

const adapter = createAdapter();
const validate = (task: unknown, resources: ResourceRegistry = new Resources()) =>
  adapter.validate!(adapter.taskSchema.parse(task), { path: 'stages[1].task', resources, baseDir: process.cwd() });
const noop = () => ({});

describe('langgraph task validation', () => {
  it('names an unbound node', () => {
    expect(() => validate({ workflow: { nodes: ['review', 'approve', 'implement'] }, handlers: { review: noop } })).toThrow(
      expect.objectContaining({ code: 'INVALID_PIPELINE', path: 'stages[1].task.workflow.nodes[2]', message: expect.stringContaining('node "implement" has no handler') }),
    );
  });

  it('accepts seed 002 nodes bound through resources, with `approve` needing no handler', () => {
    const resources = new Resources();
    resources.set('handler', 'review', noop);
    resources.set('agent', 'implement', { name: 'implement', run: async () => ({ status: 'completed', content: 'done' }) });
    expect(() => validate({ workflow: { nodes: ['review', 'approve', 'implement'], conditional: { approve: 'approved ? "implement" : "end"' } } }, resources)).not.toThrow();
  });

  it('checks outputs.<id> in routes against the pipeline stage ids, with a did-you-mean', () => {
    const task = adapter.taskSchema.parse({ workflow: { nodes: ['a', 'b'], conditional: { a: 'outputs.reveiw.ok ? "b" : "end"' } }, handlers: { a: noop, b: noop } });
    const ctx = { path: 'stages[1].task', resources: new Resources(), baseDir: process.cwd() };
    expect(() => adapter.validate!(task, { ...ctx, stageIds: ['review', 'flow'] })).toThrow(
      expect.objectContaining({
        code: 'INVALID_PIPELINE',
        path: 'stages[1].task.workflow.conditional.a',
        message: 'stages[1].task.workflow.conditional.a: expected outputs.<id> to name a stage of the pipeline (review, flow); got "outputs.reveiw" (did you mean "review"?)',
      }),
    );
    expect(() => adapter.validate!(task, { ...ctx, stageIds: ['reveiw', 'flow'] })).not.toThrow();
  });

  it('rejects a bad JSONata route naming its path', () => {
    expect(() => validate({ workflow: { nodes: ['a'], conditional: { a: 'approved ? (' } }, handlers: { a: noop } })).toThrow(
      expect.objectContaining({ code: 'INVALID_PIPELINE', path: 'stages[1].task.workflow.conditional.a' }),
    );
  });

  it('rejects edges, conditionals, approvals and handlers that name unknown nodes', () => {
    const base = { handlers: { a: noop } };
    expect(() => validate({ ...base, workflow: { nodes: ['a'], edges: [['a', 'b']] } })).toThrow(expect.objectContaining({ path: 'stages[1].task.workflow.edges[0]' }));
    expect(() => validate({ ...base, workflow: { nodes: ['a'], conditional: { b: '"end"' } } })).toThrow(expect.objectContaining({ path: 'stages[1].task.workflow.conditional.b' }));
    expect(() => validate({ ...base, workflow: { nodes: ['a'], approve: ['b'] } })).toThrow(expect.objectContaining({ path: 'stages[1].task.workflow.approve' }));
    expect(() => validate({ handlers: { a: noop, typo: noop }, workflow: { nodes: ['a'] } })).toThrow(expect.objectContaining({ path: 'stages[1].task.handlers.typo' }));
    expect(() => validate({ ...base, workflow: { nodes: ['a', 'a'] } })).toThrow(expect.objectContaining({ path: 'stages[1].task.workflow.nodes[1]' }));
    expect(() => validate({ handlers: { end: noop }, workflow: { nodes: ['end'] } })).toThrow(expect.objectContaining({ path: 'stages[1].task.workflow.nodes[0]' }));
  });

  it('rejects an unknown registered graph name', () => {
    expect(() => validate({ graph: 'missing' })).toThrow(expect.objectContaining({ code: 'INVALID_PIPELINE', path: 'stages[1].task.graph' }));
  });

  it('schema: exactly one of workflow and graph, no unknown keys, path-named issues', () => {
    const check = (task: unknown) => adapter.taskSchema.safeParse(task);
    expect(check({}).success).toBe(false);
    expect(check({ workflow: { nodes: ['a'] }, graph: 'g' }).success).toBe(false);
    const typo = check({ workflow: { nodes: ['a'], conditionals: {} } });
    expect(typo.success).toBe(false);
    if (!typo.success) expect(typo.error.issues[0]?.path).toEqual(['workflow']);
    const badRetry = check({ workflow: { nodes: ['a'] }, retry: { maxAttempts: 0 } });
    expect(badRetry.success).toBe(false);
    if (!badRetry.success) expect(badRetry.error.issues[0]?.path).toEqual(['retry', 'maxAttempts']);
    const badAttempts = check({ workflow: { nodes: ['a'] }, retry: { attempts: 0 } });
    expect(badAttempts.success).toBe(false);
    if (!badAttempts.success) expect(badAttempts.error.issues[0]?.path).toEqual(['retry', 'attempts']);
    expect(check({ workflow: { nodes: [] } }).success).toBe(false);
    expect(check({ workflow: { nodes: ['a', { name: 'b', approve: { message: 'ok?' }, retry: { maxAttempts: 2 }, timeoutMs: 100 }] }, recursionLimit: 10 }).success).toBe(true);
  });
});

describe('graph plan', () => {
  const resources = new Resources();
  it('joins nodes in list order; a conditional replaces the sequential edge', () => {
    const plan = planGraph(adapter.taskSchema.parse({ workflow: { nodes: ['a', 'b', 'c'], conditional: { b: () => 'c' } }, handlers: { a: noop, b: noop, c: noop } }), resources, 't');
    expect(plan.edges).toEqual([[START_NODE, 'a'], ['a', 'b'], ['c', END_NODE]]);
    expect(plan.routes.map((r) => r.from)).toEqual(['b']);
  });

  it('uses explicit edges, adds the entry and exits, and gives an approval node its implicit route', () => {
    const plan = planGraph(adapter.taskSchema.parse({ workflow: { nodes: ['a', 'ok', 'b'], edges: [['a', 'ok'], ['ok', 'b']], approve: ['ok'] }, handlers: { a: noop, b: noop } }), resources, 't');
    expect(plan.edges).toEqual([[START_NODE, 'a'], ['a', 'ok'], ['b', END_NODE]]);
    expect(plan.routes).toMatchObject([{ from: 'ok', route: undefined, next: 'b' }]);
    expect(plan.nodes.find((n) => n.name === 'ok')?.approval).toEqual({});
  });

  it('applies the task retry and node timeout defaults; a node spec overrides them', () => {
    const plan = planGraph(
      adapter.taskSchema.parse({ workflow: { nodes: ['a', { name: 'b', retry: { attempts: 5 }, timeoutMs: 9 }] }, handlers: { a: noop, b: noop }, retry: { attempts: 2 }, nodeTimeoutMs: 100 }),
      resources,
      't',
    );
    expect(plan.nodes.map((n) => [n.retry?.attempts, n.timeoutMs])).toEqual([[2, 100], [5, 9]]);
  });
});

describe('checkpoint target', () => {
  it('defaults to SQLite under the home; takes postgres URLs and SQLite paths', () => {
    const saved = process.env.SWITCHYARD_CHECKPOINT_URL;
    delete process.env.SWITCHYARD_CHECKPOINT_URL;
    try {
      expect(resolveCheckpointTarget(undefined, '/h', '/b')).toEqual({ kind: 'sqlite', location: '/h/checkpoints.sqlite' });
      expect(resolveCheckpointTarget('postgres://u:p@127.0.0.1:5432/db', '/h', '/b')).toEqual({ kind: 'postgres', location: 'postgres://u:p@127.0.0.1:5432/db' });
      expect(resolveCheckpointTarget('sqlite:cp.db', '/h', '/b')).toEqual({ kind: 'sqlite', location: '/b/cp.db' });
      process.env.SWITCHYARD_CHECKPOINT_URL = 'postgresql://x/y';
      expect(resolveCheckpointTarget(undefined, '/h', '/b').kind).toBe('postgres');
    } finally {
      if (saved === undefined) delete process.env.SWITCHYARD_CHECKPOINT_URL;
      else process.env.SWITCHYARD_CHECKPOINT_URL = saved;
    }
  });
});
