import { afterEach, describe, expect, it, vi } from 'vitest';
import { globSync } from 'tinyglobby';
import { HybridOrchestrator, MemoryRunStore, SwitchyardError, loadPipeline, onDeprecation, validatePipeline, type RunEvent } from 'switchyard';
import { NEVER_ABORTED, isRetryable, resolveRetry, retryDelay, withRetry, withTimeout } from 'switchyard/adapter-kit';
import { withRetry as stageWithRetry, withTimeout as stageWithTimeout } from '../../../src/pipeline/policies.js';
import { newProbe, testAdapter } from '../../helpers/hub-adapters.js';

afterEach(() => {
  onDeprecation(undefined);
  vi.restoreAllMocks();
});

describe('the one retry shape', () => {
  it('applies the defaults once', () => {
    expect(resolveRetry({})).toMatchObject({ attempts: 3, backoff: 'exponential', minDelayMs: 100, maxDelayMs: 30_000, factor: 2, jitter: true, on: undefined });
    expect(resolveRetry({ attempts: 5, backoff: 'fixed', factor: 3, on: ['TIMEOUT'] })).toMatchObject({ attempts: 5, factor: 1, on: ['TIMEOUT'] });
    const resolved = resolveRetry({ minDelayMs: 7 });
    expect(resolveRetry(resolved)).toBe(resolved);
  });

  it('grows the delay by the factor up to maxDelayMs (fixed: the same delay)', () => {
    expect([1, 2, 3, 4].map((n) => retryDelay({ minDelayMs: 100, maxDelayMs: 500 }, n))).toEqual([100, 200, 400, 500]);
    expect([1, 2, 3].map((n) => retryDelay({ minDelayMs: 50, backoff: 'fixed' }, n))).toEqual([50, 50, 50]);
  });

  it('retries anything but cancellation and a user mistake; with `on`, only the codes listed', () => {
    expect(isRetryable(new Error('boom'), {})).toBe(true);
    expect(isRetryable(new SwitchyardError('TIMEOUT', 't'), {})).toBe(true);
    expect(isRetryable(new SwitchyardError('INVALID_INPUT', 'x'), {})).toBe(false);
    expect(isRetryable(new SwitchyardError('CANCELLED', 'x'), { on: ['CANCELLED'] })).toBe(false);
    expect(isRetryable(new DOMException('stop', 'AbortError'), {})).toBe(false);
    expect(isRetryable(new SwitchyardError('REMOTE_ERROR', 'x'), { on: ['TIMEOUT'] })).toBe(false);
    expect(isRetryable({ code: 'TIMEOUT', message: 'from another copy of the library' }, { on: ['TIMEOUT'] })).toBe(true);
  });

  it('withRetry: an attempt that fails twice then succeeds with { attempts: 3 }', async () => {
    const seen: [number, number][] = [];
    let calls = 0;
    const value = await withRetry(
      async (n) => {
        calls++;
        if (n < 3) throw new SwitchyardError('ENGINE_ERROR', `attempt ${n}`);
        return n;
      },
      { attempts: 3 },
      NEVER_ABORTED,
      { onRetry: (_error, n, delayMs) => void seen.push([n, delayMs]) },
    );
    expect(value).toBe(3);
    expect(calls).toBe(3);
    // jitter: between 1x and 2x the nominal 100 ms, 200 ms
    expect(seen.map(([n]) => n)).toEqual([1, 2]);
    expect(seen[0]![1]).toBeGreaterThanOrEqual(100);
    expect(seen[0]![1]).toBeLessThanOrEqual(200);
    expect(seen[1]![1]).toBeGreaterThanOrEqual(200);
    expect(seen[1]![1]).toBeLessThanOrEqual(400);
  });

  it('withRetry: gives up with the last error, stops at once on a non-retryable one, honours the signal', async () => {
    await expect(withRetry(() => Promise.reject(new SwitchyardError('ENGINE_ERROR', 'always')), { attempts: 2, minDelayMs: 1 })).rejects.toMatchObject({ message: 'always' });
    let calls = 0;
    await expect(withRetry(() => (calls++, Promise.reject(new SwitchyardError('INVALID_INPUT', 'bad'))), { attempts: 5, minDelayMs: 1 })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    expect(calls).toBe(1);
    const controller = new AbortController();
    const pending = withRetry(() => Promise.reject(new Error('flaky')), { attempts: 5, minDelayMs: 10_000 }, controller.signal);
    setTimeout(() => controller.abort(new SwitchyardError('CANCELLED', 'stop now')), 20);
    await expect(pending).rejects.toMatchObject({ code: 'CANCELLED', message: 'stop now' });
  });

  it('the stage policies are the kit helpers (one withRetry, one withTimeout)', () => {
    expect(stageWithRetry).toBe(withRetry);
    expect(stageWithTimeout).toBe(withTimeout);
  });

  it('a stage that fails twice then succeeds with retry: { attempts: 3 }', async () => {
    const events: RunEvent[] = [];
    const hub = new HybridOrchestrator({ store: new MemoryRunStore(), builtins: false, adapters: { test: testAdapter('test', newProbe()) }, sinks: [{ handle: (e) => void events.push(e) }] });
    const result = await hub.run({ name: 'r', stages: [{ id: 'f', type: 'test', task: { op: 'flaky', failTimes: 2 }, retry: { attempts: 3 } }] });
    expect(result.status).toBe('completed');
    expect(result.stages[0]).toMatchObject({ attempts: 3, output: { attempt: 3 } });
    expect(events.filter((e) => e.type === 'stage.retry')).toHaveLength(2);
  });
});

describe('one timeout helper', () => {
  it('runs work under a signal that aborts after the timeout, naming the label', async () => {
    let seen: AbortSignal | undefined;
    const pending = withTimeout((signal) => ((seen = signal), new Promise(() => {})), undefined, 20, 'node "slow"');
    await expect(pending).rejects.toMatchObject({ code: 'TIMEOUT', message: 'node "slow": timed out after 20 ms' });
    expect(seen?.aborted).toBe(true);
  });

  it('passes the caller signal through, and resolves with the work', async () => {
    const caller = new AbortController();
    await expect(withTimeout(async () => 'done', caller.signal, 1_000)).resolves.toBe('done');
    const pending = withTimeout((signal) => new Promise((_, reject) => signal.addEventListener('abort', () => reject(new Error('late')))), caller.signal, 10_000);
    caller.abort(new SwitchyardError('CANCELLED', 'user stopped it'));
    await expect(pending).rejects.toMatchObject({ code: 'CANCELLED', message: 'user stopped it' });
  });

  it('the signal form takes a label for its TIMEOUT reason', async () => {
    const signal = withTimeout(undefined, 10, 'workflow')!;
    await new Promise((resolve) => signal.addEventListener('abort', resolve));
    expect(signal.reason).toMatchObject({ code: 'TIMEOUT', message: 'workflow: timed out after 10 ms' });
  });
});

describe('old retry spellings', () => {
  const legacy = {
    name: 'legacy',
    agents: { writer: { handler: 'write', retries: 2 } },
    stages: [
      { id: 'dag', type: 'prefect', task: { workflow: { nodes: [{ id: 'fetch', handler: 'fetch', retry: 3 }, { id: 'load', handler: 'fetch', retry: { retries: 1, minTimeoutMs: 50 } }] } } },
      { id: 'graph', type: 'langgraph', task: { workflow: { nodes: [{ name: 'a', handler: 'fetch', retry: { maxAttempts: 4, initialIntervalMs: 10 } }] }, timeoutMs: 5000 } },
    ],
  };
  const resources = async () => {
    const { Resources } = await import('switchyard');
    const r = new Resources();
    r.set('handler', 'fetch', () => 'ok');
    r.set('handler', 'write', () => 'text');
    return r;
  };

  it('are accepted, translated, listed as warnings naming the new field, and emitted once per spelling', async () => {
    const emitted = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    const prepared = await validatePipeline(legacy, { resources: await resources() });
    expect(prepared.warnings).toEqual([
      'agents.writer.retries: deprecated, use retry: { attempts: 3 }',
      'stages[0].task.workflow.nodes[0].retry: deprecated, use retry: { attempts: 4 }',
      'stages[0].task.workflow.nodes[1].retry: deprecated, use retry: { attempts: 2, minDelayMs: 50 }',
      'stages[1].task.timeoutMs: deprecated, use timeoutMs: 5000 on the stage (it bounds the whole graph run)',
      'stages[1].task.workflow.nodes[0].retry: deprecated, use retry: { attempts: 4, minDelayMs: 10 }',
    ]);
    const dag = prepared.steps[0]!;
    expect(dag.kind === 'stage' && (dag.task as { workflow: { nodes: { retry: unknown }[] } }).workflow.nodes.map((n) => n.retry)).toEqual([{ attempts: 4 }, { attempts: 2, minDelayMs: 50 }]);

    // agno.retries, prefect.retry, langgraph.timeoutMs, langgraph.retry: one process warning each, however often they appear
    await validatePipeline(legacy, { resources: await resources() });
    const calls = emitted.mock.calls.map(([message, options]) => [String(message).split(':')[0], (options as { code?: string; type?: string }).code, (options as { type?: string }).type]);
    expect(calls).toEqual([
      ['agents.writer.retries', 'SWITCHYARD_DEPRECATED', 'DeprecationWarning'],
      ['stages[0].task.workflow.nodes[0].retry', 'SWITCHYARD_DEPRECATED', 'DeprecationWarning'],
      ['stages[1].task.timeoutMs', 'SWITCHYARD_DEPRECATED', 'DeprecationWarning'],
      ['stages[1].task.workflow.nodes[0].retry', 'SWITCHYARD_DEPRECATED', 'DeprecationWarning'],
    ]);
  });

  it('go to a listener instead when one is set (the CLI prints them), once per message', async () => {
    const emitted = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    const told: string[] = [];
    onDeprecation((warning) => told.push(warning));
    await validatePipeline(legacy, { resources: await resources() });
    await validatePipeline(legacy, { resources: await resources() });
    expect(told).toHaveLength(5);
    expect(emitted).not.toHaveBeenCalled();
  });

  it('the examples use the current shape: no warnings', async () => {
    const files = globSync('examples/**/*.{yaml,yml}', { cwd: new URL('../../../', import.meta.url).pathname, absolute: true });
    expect(files.length).toBeGreaterThan(5);
    for (const file of files) expect([file, (await loadPipeline(file)).warnings]).toEqual([file, []]);
  });

  it('a pipeline in the current shape has no warnings', async () => {
    const prepared = await validatePipeline(
      { name: 'current', stages: [{ type: 'prefect', retry: { attempts: 2 }, timeoutMs: 1000, task: { workflow: { nodes: [{ id: 'fetch', handler: 'fetch', retry: { attempts: 4 }, timeoutMs: 100 }] } } }] },
      { resources: await resources() },
    );
    expect(prepared.warnings).toEqual([]);
  });
});

describe('the adapters use the one pair', () => {
  it('agno races with the core raceAbort', async () => {
    const core = await import('../../../src/abort.js');
    const agno = await import('../../../adapters/agno/run-helpers.js');
    expect(agno.raceAbort).toBe(core.raceAbort);
    expect(agno.withTimeout).toBe(core.withTimeout);
  });
});

describe('task-level timeouts that bounded the whole stage', () => {
  it('are deprecated in favour of the stage timeoutMs, and still parsed', async () => {
    const { collectDeprecations } = await import('switchyard/adapter-kit');
    const { prefectTaskSchema } = await import('switchyard/prefect');
    const { llamaindexTaskSchema } = await import('switchyard/llamaindex');
    const { langgraphTaskSchema } = await import('switchyard/langgraph');
    const lines = (value: unknown) => collectDeprecations(value, 'stages[0].task').map((d) => `${d.path}: ${d.message}`);
    const deployment = prefectTaskSchema.parse({ type: 'deployment', deployment: 'etl/default', timeoutMs: 600_000 });
    expect(deployment).toMatchObject({ timeoutMs: 600_000 });
    expect(lines(deployment)).toEqual(['stages[0].task.timeoutMs: deprecated, use timeoutMs: 600000 on the stage (it cancels the flow run the same way)']);
    expect(lines(llamaindexTaskSchema.parse({ type: 'workflow', workflow: 'w', timeoutMs: 50 }))).toEqual(['stages[0].task.timeoutMs: deprecated, use timeoutMs: 50 on the stage (it bounds the whole workflow run)']);
    expect(lines(langgraphTaskSchema.parse({ workflow: { nodes: ['a'] }, timeoutMs: 50 }))).toEqual(['stages[0].task.timeoutMs: deprecated, use timeoutMs: 50 on the stage (it bounds the whole graph run)']);
    // per-node bounds are the meaning of a task-level timeoutMs, not deprecated
    expect(lines(langgraphTaskSchema.parse({ workflow: { nodes: [{ name: 'a', timeoutMs: 5 }] }, nodeTimeoutMs: 50 }))).toEqual([]);
    expect(lines(prefectTaskSchema.parse({ workflow: { nodes: [{ id: 'a', timeoutMs: 5 }], timeoutMs: 50 } }))).toEqual([]);
  });
});
