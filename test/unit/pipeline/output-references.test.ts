import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AdapterRegistry, SwitchyardError, defineAdapter, validatePipeline } from 'switchyard';
import { outputReferences } from 'switchyard/adapter-kit';
import { testAdapter } from '../../helpers/hub-adapters.js';

async function rejection(doc: unknown, registry = new AdapterRegistry()): Promise<SwitchyardError> {
  try {
    await validatePipeline(doc, { registry });
  } catch (error) {
    expect(error).toBeInstanceOf(SwitchyardError);
    return error as SwitchyardError;
  }
  throw new Error('expected the pipeline to be rejected');
}

const registry = () => new AdapterRegistry({ builtins: false }).register('test', testAdapter('test'));
const echo = { type: 'test', task: { op: 'echo' } };

describe('outputs.<id> references are checked against the pipeline', () => {
  it('finds references in the JSONata syntax tree, not in strings or other paths', () => {
    expect(outputReferences('outputs.chekcs.perf = 1').map((r) => r.id)).toEqual(['chekcs']);
    expect(outputReferences('{ "a": $sum(outputs.a.items), "b": outputs.`my-stage`.x, "c": [outputs.c] }').map((r) => r.id)).toEqual(['a', 'my-stage', 'c']);
    // a string that looks like a reference, a path that does not start at outputs, a function of outputs: none
    expect(outputReferences('"outputs.nope" & previous.outputs.x & $keys(outputs)')).toEqual([]);
    expect(outputReferences('input.(')).toEqual([]);
  });

  it('a when that names no stage is a validation issue with a did-you-mean (it used to skip the stage silently)', async () => {
    const error = await rejection({ stages: [{ id: 'checks', ...echo }, { id: 'ship', ...echo, when: 'outputs.chekcs.perf = 1' }] }, registry());
    expect(error.code).toBe('INVALID_PIPELINE');
    expect(error.message).toBe('stages[1].when: expected outputs.<id> to name a stage of the pipeline (checks, ship); got "outputs.chekcs" (did you mean "checks"?)');
    expect(error.issues).toMatchObject([{ path: 'stages[1].when', suggestion: 'checks', got: 'outputs.chekcs' }]);
  });

  it('checks input and when of stages and groups, every unknown id at once; ids of groups, branches and later stages count', async () => {
    const doc = {
      stages: [
        { id: 'a', ...echo, input: '{ "x": outputs.b.y, "z": outputs.zzz }' },
        { id: 'b', ...echo, when: 'outputs.grp.left and outputs.left' },
        { id: 'grp', parallel: [{ id: 'left', ...echo }, { ...echo }], input: 'outputs.`grp.test-2`', when: 'outputs.missing' },
      ],
    };
    const error = await rejection(doc, registry());
    expect(error.issues.map((i) => [i.path, i.got])).toEqual([
      ['stages[0].input', 'outputs.zzz'],
      ['stages[2].when', 'outputs.missing'],
    ]);
  });

  it('accepts references to every kind of stage id', async () => {
    const prepared = await validatePipeline(
      { stages: [{ id: 'a', ...echo }, { ...echo, input: 'outputs.a' }, { id: 'grp', parallel: [{ id: 'left', ...echo }], when: 'outputs.a and outputs.`test-2`' }, { ...echo, input: 'outputs.grp.left & outputs.left' }] },
      { registry: registry() },
    );
    expect(prepared.steps.map((s) => s.id)).toEqual(['a', 'test-2', 'grp', 'test-4']);
  });

  it('adapters see every stage id in their ValidationContext', async () => {
    let seen: readonly string[] | undefined;
    const spy = defineAdapter({ type: 'spy', taskSchema: z.object({}), execute: async () => ({}), validate: (_task, ctx) => void (seen = ctx.stageIds) });
    await validatePipeline({ stages: [{ id: 'one', type: 'spy', task: {} }, { parallel: [{ type: 'spy', task: {} }] }] }, { registry: new AdapterRegistry({ builtins: false }).register('spy', spy) });
    expect(seen).toEqual(['one', 'parallel-2', 'parallel-2.spy-1']);
  });
});
