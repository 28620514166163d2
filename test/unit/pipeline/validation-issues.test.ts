import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AdapterRegistry, SwitchyardError, defineAdapter, loadPipeline, validatePipeline } from 'switchyard';
import type { ValidationIssue } from 'switchyard';
import { testAdapter } from '../../helpers/hub-adapters.js';

/** The built-in adapters: their real task schemas (validating loads no engine). */
async function rejection(doc: unknown, registry = new AdapterRegistry()): Promise<SwitchyardError> {
  try {
    await validatePipeline(doc, { registry });
  } catch (error) {
    expect(error).toBeInstanceOf(SwitchyardError);
    return error as SwitchyardError;
  }
  throw new Error('expected the pipeline to be rejected');
}

const paths = (issues: readonly ValidationIssue[]) => issues.map((issue) => issue.path);
const agents = { writer: { instructions: 'Write it.' } };

/** Three independent mistakes: an unknown stage key, an agno task with a bad field, a goto to a missing stage. */
const THREE_MISTAKES = {
  name: 'three',
  agents,
  stages: [
    { id: 'draft', type: 'agno', task: { agents: ['writer'] }, timeoutMS: 5000 },
    { id: 'review', type: 'agno', task: { agents: ['writer'], mode: 'broadcst' } },
    { id: 'publish', type: 'agno', task: { agents: ['writer'] }, onFailure: { goto: 'reviw' } },
  ],
};

describe('validation reports every problem at once', () => {
  it('three independent mistakes: three issues, each with its path, expected, got and did-you-mean', async () => {
    const error = await rejection(THREE_MISTAKES);
    expect(error.code).toBe('INVALID_PIPELINE');
    expect(error.isUserError).toBe(true);
    expect(error.issues).toHaveLength(3);
    expect(paths(error.issues)).toEqual(['stages[0].timeoutMS', 'stages[1].task.mode', 'stages[2].onFailure.goto']);
    expect(error.issues[0]).toMatchObject({ got: 'timeoutMS', suggestion: 'timeoutMs', expected: expect.stringContaining('timeoutMs') });
    expect(error.issues[1]).toMatchObject({ got: 'broadcst', suggestion: 'broadcast', expected: expect.stringMatching(/^one of .*broadcast/) });
    expect(error.issues[2]).toMatchObject({ got: 'reviw', suggestion: 'review', expected: 'a top-level stage id (draft, review, publish)' });
    // the first issue stays where code reading one error looks
    expect(error).toMatchObject({ path: 'stages[0].timeoutMS', expected: error.issues[0]!.expected, got: 'timeoutMS' });
    expect(error.message.split('\n')).toEqual([
      '3 problems in the pipeline:',
      ...error.issues.map((issue) => `  ${issue.message}`),
    ]);
    expect(error.message).toContain('  stages[2].onFailure.goto: expected a top-level stage id (draft, review, publish); got "reviw" (did you mean "review"?)');
    expect(error.toJSON()).toMatchObject({ code: 'INVALID_PIPELINE', path: 'stages[0].timeoutMS', issues: error.issues });
  });

  it('one problem: the message as before, and one issue that is that message', async () => {
    const error = await rejection({ name: 'x', agents, stages: [{ type: 'langraph', task: {} }] });
    expect(error.message).toBe('stages[0].type: expected one of agno, langgraph, llamaindex, prefect, auto; got "langraph" (did you mean "langgraph"?)');
    expect(error.issues).toEqual([
      { path: 'stages[0].type', message: error.message, expected: 'one of agno, langgraph, llamaindex, prefect, auto', got: 'langraph', suggestion: 'langgraph' },
    ]);
  });

  it('collects across the document: top-level keys, types, tasks, duplicate ids, expressions, parallel branches', async () => {
    const error = await rejection({
      name: '',
      stagez: 1,
      stages: [
        { id: 'a', type: 'agno', task: { agents: ['writer'] }, retry: { attempts: 0 } },
        { id: 'a', type: 'langraph', task: {} },
        { type: 'llamaindex', task: { type: 'rag_workflw', query: 'q' }, input: 'input.(' },
        { parallel: [{ type: 'agno', task: { agents: [] } }, { type: 'prefct', task: {} }], concurrency: 0 },
      ],
    });
    expect(paths(error.issues)).toEqual([
      'name',
      'stagez',
      'stages[0].retry.attempts',
      'stages[1].type',
      'stages[3].concurrency',
      'stages[3].parallel[1].type',
      'stages[1].id',
      'stages[2].task.type',
      'stages[2].input',
      'stages[3].parallel[0].task.agents',
    ]);
    expect(error.issues.find((i) => i.path === 'stages[1].type')?.suggestion).toBe('langgraph');
    expect(error.issues.find((i) => i.path === 'stages[2].task.type')?.suggestion).toBe('rag_workflow');
  });

  it('every unknown key of a stage, and every problem inside one task', async () => {
    const error = await rejection({ name: 'x', agents, stages: [{ type: 'agno', task: { agents: ['writer'], mode: 'x', output: 5 }, timeoutMS: 1, retyr: {} }] });
    expect(paths(error.issues)).toEqual(['stages[0].timeoutMS', 'stages[0].retyr', 'stages[0].task.mode', 'stages[0].task.output']);
  });

  it('a misspelt key is one problem, not also the key it meant reported missing', async () => {
    expect((await rejection({ name: 'x', stages: [{ type: 'agno', taks: { agents: ['a'] } }] })).issues).toHaveLength(1);
    expect((await rejection({ name: 'x', agents, stages: [{ type: 'agno', task: { agent: ['writer'] } }] })).issues).toHaveLength(1);
    expect((await rejection({ nmae: 'x', stagse: [] })).issues.map((i) => i.path)).toEqual(['nmae', 'stagse']);
  });

  it('adapter validate() errors in several stages, next to schema errors', async () => {
    const error = await rejection({
      name: 'x',
      agents,
      stages: [
        { type: 'agno', task: { agents: ['writr'] } },
        { type: 'agno', task: { agents: ['writer'], mode: 7 } },
        { type: 'agno', task: { agents: ['editor'] } },
      ],
    });
    expect(paths(error.issues)).toEqual(['stages[0].task.agents[0]', 'stages[1].task.mode', 'stages[2].task.agents[0]']);
  });

  it('stops only where going on makes no sense: a document that is not an object', async () => {
    const error = await rejection(['not', 'a', 'pipeline']);
    expect(error.issues).toHaveLength(1);
    expect(error.message).toMatch(/^pipeline: expected an object/);
  });

  it('a failing module: the other problems are reported, names it would have registered are not', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sy-issues-mod-'));
    writeFileSync(join(dir, 'p.yaml'), 'name: m\nmodules: [./nope.ts]\nstages:\n  - { type: handlers, task: { handler: double } }\n  - { type: test, task: { op: echo }, timeoutMS: 1 }\n');
    const registry = new AdapterRegistry({ builtins: false }).register('test', testAdapter('test'));
    const error = (await loadPipeline(join(dir, 'p.yaml'), { registry }).catch((e: unknown) => e)) as SwitchyardError;
    expect(paths(error.issues)).toEqual(['modules[0]', 'stages[1].timeoutMS']);
    expect(error.file).toBe(join(dir, 'p.yaml'));
  });

  it('an error an adapter throws with several issues contributes all of them', async () => {
    const registry = new AdapterRegistry({ builtins: false }).register(
      'multi',
      defineAdapter({
        type: 'multi',
        taskSchema: z.object({ names: z.array(z.string()) }),
        validate(task, ctx) {
          const issues = task.names.map((name, i) => ({ path: `${ctx.path}.names[${i}]`, message: `${ctx.path}.names[${i}]: unknown name ${name}` }));
          if (issues.length) throw new SwitchyardError('INVALID_PIPELINE', 'unknown names', { path: issues[0]!.path, issues });
        },
        execute: async () => ({}),
      }),
    );
    const error = await rejection({ name: 'x', stages: [{ type: 'multi', task: { names: ['a', 'b'] } }] }, registry);
    expect(paths(error.issues)).toEqual(['stages[0].task.names[0]', 'stages[0].task.names[1]']);
    expect(error.message.split('\n')).toHaveLength(3);
  });

  it('the message lists 20 issues, then how many more; issues keeps them all', async () => {
    const stages = Array.from({ length: 25 }, (_, i) => ({ id: `s${i}`, type: 'nope', task: {} }));
    const error = await rejection({ name: 'many', stages });
    expect(error.issues).toHaveLength(25);
    const lines = error.message.split('\n');
    expect(lines[0]).toBe('25 problems in the pipeline:');
    expect(lines).toHaveLength(1 + 20 + 1);
    expect(lines[20]).toMatch(/^ {2}stages\[19\]\.type: /);
    expect(lines.at(-1)).toBe('  and 5 more');
  });

  it('loadPipeline names the file and reports every issue of it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sy-issues-'));
    const file = join(dir, 'p.json');
    writeFileSync(file, JSON.stringify(THREE_MISTAKES));
    const error = (await loadPipeline(file).catch((e: unknown) => e)) as SwitchyardError;
    expect(error.file).toBe(file);
    expect(error.issues).toHaveLength(3);
  });
});
