import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AdapterRegistry, HybridOrchestrator, MemoryRunStore, SwitchyardError, defineAdapter, loadPipeline, validatePipeline } from 'switchyard';
import { testAdapter } from '../../helpers/hub-adapters.js';

const NOOP = async () => ({});
/** The four built-in names with light test adapters behind them, so type errors list the real engines. */
function engines(): AdapterRegistry {
  const registry = new AdapterRegistry({ builtins: false });
  for (const type of ['agno', 'langgraph', 'llamaindex', 'prefect']) registry.register(type, defineAdapter({ type, taskSchema: z.record(z.string(), z.unknown()), execute: NOOP }));
  return registry.register('test', testAdapter('test'));
}

async function errorOf(doc: unknown, registry = engines()): Promise<SwitchyardError> {
  try {
    await validatePipeline(doc, { registry });
  } catch (error) {
    expect(error).toBeInstanceOf(SwitchyardError);
    return error as SwitchyardError;
  }
  throw new Error('expected the pipeline to be rejected');
}

const stage = (extra: Record<string, unknown> = {}) => ({ type: 'test', task: { op: 'echo' }, ...extra });

describe('pipeline validation', () => {
  it('accepts a valid pipeline and gives stages default ids', async () => {
    const prepared = await validatePipeline({ name: 'ok', stages: [stage(), stage({ id: 'second' })] }, { registry: engines() });
    expect(prepared.steps.map((s) => s.id)).toEqual(['test-1', 'second']);
  });

  it('names a misspelled engine with the choices and a did-you-mean', async () => {
    const error = await errorOf({ name: 'x', stages: [stage(), stage(), { type: 'langraph', task: {} }] });
    expect(error.code).toBe('INVALID_PIPELINE');
    expect(error.isUserError).toBe(true);
    expect(error.message).toBe('stages[2].type: expected one of agno, langgraph, llamaindex, prefect, test, auto; got "langraph" (did you mean "langgraph"?)');
    expect(error.path).toBe('stages[2].type');
  });

  it('names a pipeline without a name: its file base name, else hybrid; rejects an empty name and an empty stage list', async () => {
    expect((await validatePipeline({ stages: [stage()] }, { registry: engines() })).name).toBe('hybrid');
    const dir = mkdtempSync(join(tmpdir(), 'sy-name-'));
    writeFileSync(join(dir, 'nightly.etl.yaml'), 'stages:\n  - { type: test, task: { op: echo } }\n');
    writeFileSync(join(dir, 'named.json'), JSON.stringify({ name: 'own', stages: [stage()] }));
    expect((await loadPipeline(join(dir, 'nightly.etl.yaml'), { registry: engines() })).name).toBe('nightly.etl');
    expect((await loadPipeline(join(dir, 'named.json'), { registry: engines() })).name).toBe('own');
    expect((await errorOf({ name: '', stages: [stage()] })).path).toBe('name');
    expect((await errorOf({ name: 'x', stages: [] })).message).toBe('stages: expected at least 1 item(s); got array');
    expect((await errorOf('nope')).message).toMatch(/^pipeline: expected an object/);
  });

  it('suggests the stage key a typo meant', async () => {
    const error = await errorOf({ name: 'x', stages: [stage({ timeoutMS: 5 })] });
    expect(error.message).toMatch(/^stages\[0\]\.timeoutMS: unknown key; expected one of .*\(did you mean "timeoutMs"\?\)$/);
  });

  it('reports task errors from the adapter schema with the full path', async () => {
    const error = await errorOf({ name: 'x', stages: [stage(), { type: 'test', task: { op: 'explode' } }] });
    expect(error.message).toMatch(/^stages\[1\]\.task\.op: expected one of echo, value, .*; got "explode"$/);
  });

  it('requires a task', async () => {
    expect((await errorOf({ name: 'x', stages: [{ type: 'test' }] })).message).toBe('stages[0].task: expected the test task object; got nothing');
  });

  it('checks policies: retry, onFailure and goto targets', async () => {
    expect((await errorOf({ name: 'x', stages: [stage({ retry: { attempts: 0 } })] })).message).toBe('stages[0].retry.attempts: expected a value >= 1; got 0');
    expect((await errorOf({ name: 'x', stages: [stage({ onFailure: 'contine' })] })).message).toBe(
      'stages[0].onFailure: expected stop, continue or { goto: stageId }; got "contine" (did you mean "continue"?)',
    );
    expect((await errorOf({ name: 'x', stages: [stage({ id: 'a', onFailure: { goto: 'fallbak' } }), stage({ id: 'fallback' })] })).message).toBe(
      'stages[0].onFailure.goto: expected a top-level stage id (a, fallback); got "fallbak" (did you mean "fallback"?)',
    );
  });

  it('rejects duplicate ids and bad JSONata', async () => {
    expect((await errorOf({ name: 'x', stages: [stage({ id: 'a' }), stage({ id: 'a' })] })).message).toBe('stages[1].id: expected a stage id unique in the pipeline; got "a"');
    expect((await errorOf({ name: 'x', stages: [stage({ input: 'input.(' })] })).message).toMatch(/^stages\[0\]\.input: expected a JSONata expression; got "input\.\(" \(/);
  });

  it('validates parallel branches with their own paths', async () => {
    const error = await errorOf({ name: 'x', stages: [{ parallel: [stage(), { type: 'tset', task: {} }] }] });
    expect(error.message).toBe('stages[0].parallel[1].type: expected one of agno, langgraph, llamaindex, prefect, test, auto; got "tset" (did you mean "test"?)');
  });

  it('accepts top-level keys an adapter declares and runs its prepare; rejects the rest', async () => {
    const seen: unknown[] = [];
    const registry = engines().register(
      'decl',
      defineAdapter({
        type: 'decl',
        taskSchema: z.object({}),
        declares: ['agents'],
        prepare: (declarations) => void seen.push(declarations),
        execute: NOOP,
      }),
    );
    await validatePipeline({ name: 'x', agents: { a: 1 }, stages: [stage()] }, { registry });
    expect(seen).toEqual([{ agents: { a: 1 } }]);
    const error = await errorOf({ name: 'x', agent: {}, stages: [stage()] }, registry);
    expect(error.message).toMatch(/^agent: unknown key; expected one of .*agents \(did you mean "agents"\?\)$/);
  });

  it('loads TS modules into the resources that adapters validate against', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sy-mod-'));
    writeFileSync(join(dir, 'reg.ts'), `import type { ResourceRegistry } from 'switchyard';\nexport default (r: ResourceRegistry): void => { r.set('handler', 'double', (x: number) => x * 2); };\n`);
    const registry = engines().register(
      'handlers',
      defineAdapter({
        type: 'handlers',
        taskSchema: z.object({ handler: z.string() }),
        validate(task, ctx) {
          if (!ctx.resources.has('handler', task.handler)) throw new SwitchyardError('INVALID_PIPELINE', `${ctx.path}.handler: unknown handler ${task.handler}`);
        },
        async execute(task, ctx) {
          return ctx.resources.get<(x: number) => number>('handler', task.handler)!(ctx.input as number);
        },
      }),
    );
    writeFileSync(join(dir, 'p.yaml'), 'name: mods\nmodules: [./reg.ts]\nstages:\n  - type: handlers\n    task: { handler: double }\n');
    const prepared = await loadPipeline(join(dir, 'p.yaml'), { registry });
    expect(prepared.resources.has('handler', 'double')).toBe(true);
    writeFileSync(join(dir, 'bad.yaml'), 'name: mods\nmodules: [./reg.ts]\nstages:\n  - type: handlers\n    task: { handler: triple }\n');
    await expect(loadPipeline(join(dir, 'bad.yaml'), { registry })).rejects.toThrow('stages[0].task.handler: unknown handler triple');
    writeFileSync(join(dir, 'missing.yaml'), 'name: mods\nmodules: [./nope.ts]\nstages:\n  - type: handlers\n    task: { handler: x }\n');
    await expect(loadPipeline(join(dir, 'missing.yaml'), { registry })).rejects.toThrow(/^modules\[0\]: expected an existing file; got "\.\/nope\.ts"/);

    const hub = new HybridOrchestrator({ store: new MemoryRunStore(), builtins: false, adapters: { handlers: await registry.get('handlers') } });
    const result = await hub.run(join(dir, 'p.yaml'), { input: 21 });
    expect(result.output).toBe(42);
  });

  it('names the line of a YAML syntax error and the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sy-yaml-'));
    writeFileSync(join(dir, 'p.yaml'), 'name: x\nstages:\n  - type: test\n   task: {\n');
    const error = (await loadPipeline(join(dir, 'p.yaml'), { registry: engines() }).catch((e: unknown) => e)) as SwitchyardError;
    expect(error.code).toBe('INVALID_PIPELINE');
    expect(error.message).toMatch(/^line \d+, column \d+: expected valid YAML or JSON/);
    expect(error.file).toBe(join(dir, 'p.yaml'));
  });

  it('writes nothing for a rejected pipeline', async () => {
    const store = new MemoryRunStore();
    const hub = new HybridOrchestrator({ store, builtins: false, adapters: { test: testAdapter() } });
    await expect(hub.run({ name: 'x', stages: [{ type: 'tst', task: { op: 'echo' } }] })).rejects.toThrow(/did you mean "test"/);
    expect(await store.listRuns()).toEqual([]);
  });

  it('chooses the engine of an auto stage with the selector and records why', async () => {
    const prepared = await validatePipeline(
      { name: 'x', stages: [{ type: 'auto', taskType: 'rag_workflow', task: {} }, { type: 'auto', description: 'run a nightly ETL batch job on a schedule', task: {} }] },
      { registry: engines() },
    );
    const [rag, etl] = prepared.steps as unknown as [{ type: string; decision?: { reasons: string[] } }, { type: string; decision?: { reasons: string[] } }];
    expect(rag.type).toBe('llamaindex');
    expect(rag.decision?.reasons[0]).toBe('selector: taskType=rag_workflow');
    expect(etl.type).toBe('prefect');
    expect(etl.decision?.reasons[0]).toMatch(/^recommender: /);
    expect((await errorOf({ name: 'x', stages: [{ type: 'auto', task: {} }] })).message).toMatch(/^stages\[0\]: expected `taskType` or `description`/);
  });
});
