import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AdapterRegistry, SwitchyardError, loadPipeline, validatePipeline } from 'switchyard';

/** The built-in adapters: their real task schemas (validating loads no engine). */
async function messageOf(doc: unknown): Promise<string> {
  try {
    await validatePipeline(doc, { registry: new AdapterRegistry() });
  } catch (error) {
    expect(error).toBeInstanceOf(SwitchyardError);
    expect((error as SwitchyardError).code).toBe('INVALID_PIPELINE');
    return (error as SwitchyardError).message;
  }
  throw new Error('expected the pipeline to be rejected');
}

const one = (stage: Record<string, unknown>) => ({ name: 'qa', stages: [stage] });

describe('validation errors name the keys the schema declares at the path', () => {
  it('unknown keys in a stage field list that field’s keys, with a did-you-mean', async () => {
    expect(await messageOf(one({ type: 'auto', task: {}, requires: { stat: true } }))).toBe(
      'stages[0].requires.stat: unknown key; expected one of state, routing, scheduling (did you mean "state"?)',
    );
    expect(await messageOf(one({ type: 'agno', task: { agents: ['a'] }, retry: { backof: 'fixed' } }))).toBe(
      'stages[0].retry.backof: unknown key; expected one of attempts, backoff, minDelayMs, maxDelayMs, factor, jitter, on (did you mean "backoff"?)',
    );
  });

  it('unknown keys inside an adapter task list the task schema’s keys', async () => {
    expect(await messageOf(one({ type: 'agno', task: { agent: ['x'] } }))).toBe(
      'stages[0].task.agent: unknown key; expected one of agents, task, input, mode, model, router, output (did you mean "agents"?)',
    );
    expect(await messageOf(one({ type: 'langgraph', task: { workflow: { nodez: [] } } }))).toBe(
      'stages[0].task.workflow.nodez: unknown key; expected one of nodes, edges, conditional, approve (did you mean "nodes"?)',
    );
    expect(await messageOf(one({ type: 'prefect', task: { workflow: { nodes: [{ id: 'a', dependOn: [] }] } } }))).toBe(
      'stages[0].task.workflow.nodes[0].dependOn: unknown key; expected one of id, handler, dependsOn, retry, timeoutMs (did you mean "dependsOn"?)',
    );
  });
});

describe('union errors report the branch the value was meant for', () => {
  it('a misspelt task type lists the valid types with a did-you-mean', async () => {
    expect(await messageOf(one({ type: 'llamaindex', task: { type: 'rag_workflw', query: 'q' } }))).toBe(
      'stages[0].task.type: expected one of document_analysis, rag_workflow, ingest, query, workflow; got "rag_workflw" (did you mean "rag_workflow"?)',
    );
    expect(await messageOf(one({ type: 'prefect', task: { type: 'scheduled_etll', schedule: '0 2 * * *' } }))).toBe(
      'stages[0].task.type: expected one of dag, scheduled_etl, deployment; got "scheduled_etll" (did you mean "scheduled_etl"?)',
    );
  });

  it('a misspelt key in the matching branch is reported against that branch', async () => {
    expect(await messageOf(one({ type: 'prefect', task: { type: 'scheduled_etl', schedul: '0 2 * * *' } }))).toMatch(
      /^stages\[0\]\.task\.schedul: unknown key; expected one of type, schedule, .*\(did you mean "schedule"\?\)$/,
    );
  });

  it('a value no branch takes names what each branch wants', async () => {
    expect(await messageOf(one({ type: 'prefect', task: { workflow: { nodes: [5] } } }))).toBe('stages[0].task.workflow.nodes[0]: expected a string or an object; got 5');
    expect(await messageOf(one({ type: 'agno', task: { agents: ['a'] }, when: 5 }))).toBe('stages[0].when: expected a JSONata expression (string) or a function; got 5');
  });
});

describe('a misspelt key is reported before the key it meant goes missing', () => {
  it('taks: in a stage', async () => {
    expect(await messageOf(one({ type: 'agno', taks: { agents: ['a'] } }))).toMatch(/^stages\[0\]\.taks: unknown key; expected one of .*task.* \(did you mean "task"\?\)$/);
  });

  it('stagse: at the top level', async () => {
    expect(await messageOf({ name: 'qa', stagse: [{ type: 'agno', task: { agents: ['a'] } }] })).toMatch(/^stagse: unknown key; expected one of .*stages.* \(did you mean "stages"\?\)$/);
  });
});

describe('file syntax errors and failing modules', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sy-qa-files-'));
  const errorOf = async (name: string, text: string): Promise<SwitchyardError> => {
    writeFileSync(join(dir, name), text);
    const error = await loadPipeline(join(dir, name)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SwitchyardError);
    return error as SwitchyardError;
  };

  it('YAML: one line, the position once, no trailing colon or code frame', async () => {
    const error = await errorOf('bad.yaml', 'name: x\nstages:\n  - type: test\n   task: {\n');
    expect(error.code).toBe('INVALID_PIPELINE');
    expect(error.message).toMatch(/^line \d+, column \d+: expected valid YAML or JSON; [^\n]+[^:\n]$/);
    expect(error.message.match(/line \d+/g)).toHaveLength(1);
    expect(error.file).toBe(join(dir, 'bad.yaml'));
  });

  it('JSON: the JSON parser’s message, with its position as line and column', async () => {
    const error = await errorOf('bad.json', '{\n  "name": "x",\n  "stages": [ { "type": "agno", "task": { "agents": ["a"], } } ]\n}');
    expect(error.message).toBe('line 3, column 60: expected valid JSON; expected double-quoted property name');
    expect((await errorOf('token.json', '{"name": }')).message).toBe("line 1, column 10: expected valid JSON; unexpected token '}'");
    expect((await errorOf('empty.json', '')).message).toBe('document: expected valid JSON; unexpected end of JSON input');
  });

  it('a module that throws while registering is an INVALID_PIPELINE user error naming modules[i] and the file', async () => {
    writeFileSync(join(dir, 'broken.ts'), "export default (registry: { register: () => void }): void => { registry.register(); };\n");
    const error = await errorOf('mods.yaml', 'name: m\nmodules: [./broken.ts]\nstages:\n  - { type: agno, task: { agents: [a] } }\n');
    expect(error.code).toBe('INVALID_PIPELINE');
    expect(error.isUserError).toBe(true);
    expect(error.path).toBe('modules[0]');
    expect(error.message).toMatch(/^modules\[0\]: \.\/broken\.ts threw while registering its resources: registry\.register is not a function \(in .*broken\.ts\)$/);
    expect(error.file).toBe(join(dir, 'mods.yaml'));
  });
});
