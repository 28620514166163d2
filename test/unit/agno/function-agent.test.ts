import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { FunctionAgent, functionAgent } from 'switchyard/agno';
import type { AgentEvent } from 'switchyard/agno';
import { resolveHandler, Resources } from 'switchyard';
import { createTestContext } from 'switchyard/adapter-kit/testing';

describe('FunctionAgent', () => {
  it('runs executor with input and output transformers (seed 003 worker)', async () => {
    const coder = new FunctionAgent<{ spec: string }, string>({
      name: 'coder',
      role: 'implements code',
      inputTransformer: (input) => ({ spec: String((input as { requirements: string }).requirements).toUpperCase() }),
      executor: ({ spec }, ctx) => `// ${ctx.task ?? 'no task'}\nexport const spec = ${JSON.stringify(spec)};`,
      outputTransformer: (code) => ({ code, lines: code.split('\n').length }),
    });
    const out = await coder.run({ requirements: 'a page' }, { task: 'implement' });
    expect(out).toMatchObject({ agent: 'coder', status: 'completed', toolCalls: [], content: { code: '// implement\nexport const spec = "A PAGE";', lines: 2 } });
    expect(out.error).toBeUndefined();
  });

  it('reports a throwing executor as a failed output, not a throw', async () => {
    const out = await functionAgent('broken', () => {
      throw new Error('no spec');
    }).run({});
    expect(out.status).toBe('failed');
    expect(out.error).toEqual({ code: 'STAGE_FAILED', message: 'no spec' });
  });

  it('validates the output against an output schema', async () => {
    const good = await functionAgent('n', (x: number) => ({ n: x * 2 }), { outputSchema: z.object({ n: z.number() }) }).run(21);
    expect(good.structured).toEqual({ n: 42 });
    const bad = await functionAgent('n', () => ({ n: 'x' }), { outputSchema: z.object({ n: z.number() }) }).run(1);
    expect(bad.status).toBe('failed');
    expect(bad.error?.message).toMatch(/n: /);
  });

  it('is cancelled by its signal even when the executor ignores it, and by its own timeout', async () => {
    const stuck = functionAgent('stuck', () => new Promise(() => {}));
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 20);
    const cancelled = await stuck.run(1, { signal: controller.signal });
    expect(cancelled).toMatchObject({ status: 'cancelled', error: { code: 'CANCELLED' } });
    const timed = await functionAgent('stuck', () => new Promise(() => {}), { timeoutMs: 20 }).run(1);
    expect(timed).toMatchObject({ status: 'cancelled', error: { code: 'TIMEOUT' } });
  });

  it('streams run events and forwards them to the stage context', async () => {
    const ctx = createTestContext();
    const events: AgentEvent[] = [];
    for await (const e of functionAgent('echo', (x) => x).stream('hi', { context: ctx })) events.push(e);
    expect(events.map((e) => e.type)).toEqual(['run.started', 'run.completed']);
    expect(ctx.events.map((e) => e.kind)).toEqual(['agent.started', 'agent.completed']);
  });

  it('leaving a stream early cancels the run', async () => {
    let aborted!: () => void;
    const sawAbort = new Promise<void>((resolve) => (aborted = resolve));
    const waiting = functionAgent('waiting', (_input, ctx) => new Promise((_resolve, reject) => ctx.signal.addEventListener('abort', () => (aborted(), reject(ctx.signal.reason)))));
    for await (const event of waiting.stream(1)) {
      expect(event.type).toBe('run.started');
      break;
    }
    await sawAbort; // never settles (the test times out) unless breaking out aborted the executor's signal
  });

  it('binds to graph nodes and DAG tasks through the core AgentLike contract', async () => {
    const resources = new Resources();
    resources.set('agent', 'double', functionAgent('double', (x: number) => x * 2));
    const handler = resolveHandler('double', resources, 'nodes.double');
    expect(await handler(4, createTestContext({ resources }))).toBe(8);
    const failing = resolveHandler(functionAgent('bad', () => { throw new Error('nope'); }), resources, 'x');
    await expect(failing(1, createTestContext())).rejects.toMatchObject({ code: 'STAGE_FAILED', message: 'nope' });
  });

  it('rejects a bad definition with a path', () => {
    expect(() => new FunctionAgent({ name: '', executor: () => 1 })).toThrow(/functionAgent.name: expected a non-empty string/);
    expect(() => new FunctionAgent({ name: 'x', executor: 3 as never })).toThrow(/functionAgent\(x\).executor/);
  });
});
