import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { HybridOrchestrator, Resources } from 'switchyard';
import type { ResourceRegistry } from 'switchyard';
import { Agent, createAdapter, functionAgent, mergeInput, openAICompatible, tool } from 'switchyard/agno';
import { createTestContext } from 'switchyard/adapter-kit/testing';
import { answer, startChatServer, toolCall } from '../../helpers/chat-server.js';

const adapter = createAdapter();
const vctx = (resources: ResourceRegistry, path = 'stages[0].task') => ({ path, resources, baseDir: process.cwd() });

function registry(): Resources {
  const r = new Resources();
  r.set('agent', 'implementer', functionAgent('implementer', (input: { spec?: string; task?: string }, ctx) => ({ built: input.spec ?? null, task: ctx.task ?? null })));
  r.set('agent', 'tester', functionAgent('tester', () => ({ passed: 12, failed: 0 })));
  r.set('tool', 'read_file', tool({ name: 'read_file', description: 'read', parameters: z.object({ path: z.string() }), execute: ({ path }) => `contents of ${path}` }));
  return r;
}

afterEach(() => vi.unstubAllEnvs());

describe('agno adapter: task schema and validation', () => {
  it('accepts the seed 002 task shapes', () => {
    for (const task of [
      { agents: ['implementer'], input: { spec: 'x' } },
      { agents: ['tester'], task: 'Run tests' },
      { agents: ['python-pro'], task: 'Generate code from spec', input: { spec: '...' } },
      { agents: ['a', 'b'], mode: 'route', router: 'pick' },
    ]) expect(adapter.taskSchema.safeParse(task).success).toBe(true);
  });

  it('rejects bad tasks with a path', () => {
    const empty = adapter.taskSchema.safeParse({ agents: [] });
    expect(empty.success).toBe(false);
    expect(empty.error?.issues[0]?.path).toEqual(['agents']);
    expect(adapter.taskSchema.safeParse({ agents: ['a'], mode: 'vote' }).error?.issues[0]?.path).toEqual(['mode']);
    expect(adapter.taskSchema.safeParse({ agent: 'a' }).success).toBe(false);
  });

  it('rejects unknown agent names listing the known ones', () => {
    expect(() => adapter.validate!({ agents: ['tester', 'implementor'] }, vctx(registry()))).toThrow(
      'stages[0].task.agents[1]: unknown agent "implementor" (known: implementer, tester)',
    );
  });

  it('rejects declared agents whose tools are not registered, listing the known tools', async () => {
    const r = registry();
    await adapter.prepare!({ agents: { 'python-pro': { instructions: 'Write Python', model: 'openai:gpt-4o-mini', tools: ['read_file', 'run_tests'] } } }, vctx(r, ''));
    expect(r.get('agent', 'python-pro')).toBeInstanceOf(Agent);
    expect(() => adapter.validate!({ agents: ['python-pro'] }, vctx(r, 'stages[2].task'))).toThrow(
      'stages[2].task.agents[0]: agent "python-pro" uses tool "run_tests", which is not registered (known tools: read_file)',
    );
  });

  it('validates the agents: map by path and converts output schemas from JSON Schema', async () => {
    const r = new Resources();
    await expect(adapter.prepare!({ agents: { writer: { instructions: 'x', modle: 'openai:x' } } }, vctx(r, ''))).rejects.toThrow(/^agents\.writer: Unrecognized key: "modle"/);
    await expect(adapter.prepare!({ agents: { writer: { maxToolCalls: 0 } } }, vctx(r, ''))).rejects.toThrow(/agents\.writer\.maxToolCalls/);
    await expect(adapter.prepare!({ agents: { writer: { outputSchema: { type: 'nonsense' } } } }, vctx(r, ''))).rejects.toThrow(/agents\.writer\.outputSchema: expected a JSON Schema/);
    await expect(adapter.prepare!({ agents: 'nope' }, vctx(r, ''))).rejects.toMatchObject({ code: 'INVALID_PIPELINE', path: 'agents' });
  });

  it('rejects team settings that cannot work', () => {
    const r = registry();
    expect(() => adapter.validate!({ agents: ['tester', 'implementer'], mode: 'route' }, vctx(r))).toThrow(/stages\[0\].task.mode: route needs a router/);
    expect(() => adapter.validate!({ agents: ['tester', 'implementer'], mode: 'route', router: 'pick' }, vctx(r))).toThrow(/router: unknown handler "pick" \(known: none\)/);
    expect(() => adapter.validate!({ agents: ['tester', 'tester'] }, vctx(r))).toThrow(/each agent may appear once/);
  });
});

describe('agno adapter: execute', () => {
  it('merges the stage input with the task input and passes the task text', async () => {
    const ctx = createTestContext({ input: { spec: 'from previous stage', keep: 1 }, resources: registry() });
    expect(await adapter.execute({ agents: ['implementer'], task: 'Build it', input: { spec: 'override' } }, ctx)).toEqual({ built: 'override', task: 'Build it' });
    expect(ctx.events.map((e) => e.kind)).toEqual(['agent.started', 'agent.completed']);
    expect(mergeInput({ a: 1, b: 1 }, { b: 2 })).toEqual({ a: 1, b: 2 });
    expect(mergeInput('text', { b: 2 })).toEqual({ input: 'text', b: 2 });
    expect(mergeInput({ a: 1 }, undefined)).toEqual({ a: 1 });
  });

  it('runs several agents as a team and can return the full run output', async () => {
    const ctx = createTestContext({ resources: registry() });
    const out = (await adapter.execute({ agents: ['implementer', 'tester'], task: 'Run tests', output: 'full' }, ctx)) as { agent: string; content: { results: Record<string, unknown> }; members: unknown[] };
    expect(out.agent).toBe('implementer+tester');
    expect(out.content.results.tester).toEqual({ passed: 12, failed: 0 });
    expect(out.members).toHaveLength(2);
  });

  it('throws a failed agent as a SwitchyardError keeping its code', async () => {
    vi.stubEnv('OPENAI_API_KEY', undefined);
    vi.stubEnv('OPENAI_BASE_URL', undefined);
    vi.stubEnv('OLLAMA_HOST', undefined);
    vi.stubEnv('SWITCHYARD_MODEL', undefined);
    const r = registry();
    await adapter.prepare!({ agents: { writer: { instructions: 'Write' } } }, vctx(r, ''));
    await expect(adapter.execute({ agents: ['writer'], task: 'Write' }, createTestContext({ resources: r }))).rejects.toMatchObject({ code: 'MODEL_NOT_CONFIGURED' });
    r.set('agent', 'boom', functionAgent('boom', () => { throw new Error('exploded'); }));
    await expect(adapter.execute({ agents: ['boom'] }, createTestContext({ resources: r }))).rejects.toMatchObject({ code: 'STAGE_FAILED', message: 'agent boom failed: exploded' });
  });

  it('runs a declared LLM agent with module tools and a JSON Schema output against a chat-completions server', async () => {
    const server = await startChatServer([
      toolCall({ id: 't1', name: 'read_file', arguments: '{"path":"spec.md"}' }),
      answer('{"summary":"contents of spec.md","files":1}'),
    ]);
    try {
      vi.stubEnv('OPENAI_BASE_URL', server.baseURL);
      vi.stubEnv('OPENAI_API_KEY', 'k');
      const r = registry();
      await adapter.prepare!(
        { agents: { 'python-pro': { role: 'Python expert', instructions: 'Summarise', model: 'openai:test-model', tools: ['read_file'], outputSchema: { type: 'object', properties: { summary: { type: 'string' }, files: { type: 'integer' } }, required: ['summary', 'files'] } } } },
        vctx(r, ''),
      );
      adapter.validate!({ agents: ['python-pro'] }, vctx(r));
      const ctx = createTestContext({ resources: r, input: { spec: 'spec.md' } });
      const out = await adapter.execute({ agents: ['python-pro'], task: 'Generate code from spec' }, ctx);
      expect(out).toEqual({ summary: 'contents of spec.md', files: 1 });
      expect(ctx.events.map((e) => e.kind)).toEqual(['agent.started', 'tool.started', 'tool.completed', 'agent.completed']);
      const first = server.requests[0]!.body;
      expect(first.model).toBe('test-model');
      expect(String(first.messages[1]!.content)).toMatch(/^Generate code from spec\n\nInput:\n/);
      expect((first.response_format as { type: string }).type).toBe('json_schema');
    } finally {
      await server.close();
    }
  });

  it('lets a model agent registered in code run as a stage', async () => {
    const server = await startChatServer([answer('all green')]);
    try {
      const r = new Resources();
      r.set('agent', 'tester', new Agent({ name: 'tester', model: openAICompatible({ baseURL: server.baseURL, model: 'm', apiKey: 'k' }) }));
      expect(await adapter.execute({ agents: ['tester'], task: 'Run tests' }, createTestContext({ resources: r }))).toBe('all green');
      expect(server.requests[0]!.body.messages[1]!.content).toBe('Run tests');
    } finally {
      await server.close();
    }
  });
});

describe('agno adapter in a pipeline (HybridOrchestrator)', () => {
  it('runs the offline function-agent example pipeline with modules and declared agents', async () => {
    const home = mkdtempSync(join(tmpdir(), 'switchyard-agno-test-'));
    const file = fileURLToPath(new URL('../../../examples/agno-function-agents/pipeline.yaml', import.meta.url));
    const result = await new HybridOrchestrator({ home }).run(file, { input: { requirements: ['About me'] } });
    expect(result.error).toBeUndefined();
    expect(result.status).toBe('completed');
    expect(result.stages.map((s) => [s.id, s.status])).toEqual([['specs', 'completed'], ['code', 'completed'], ['checks', 'completed']]);
    expect(result.stages[0]!.output).toEqual({ site: 'portfolio', pages: ['index', 'about-me'] });
    expect(result.output).toEqual({
      results: { reviewer: { approved: true, checked: 2, goal: 'Build a portfolio website from requirements' }, linter: { warnings: ['index.html: <html> has no lang attribute', 'about-me.html: <html> has no lang attribute'] } },
      failed: [],
    });
  });

  it('rejects an unknown agent in a pipeline before anything runs', async () => {
    const home = mkdtempSync(join(tmpdir(), 'switchyard-agno-test-'));
    const hub = new HybridOrchestrator({ home, resources: registry() });
    await expect(
      hub.run({ name: 'p', stages: [{ type: 'agno', task: { agents: ['tester'] } }, { type: 'agno', task: { agents: ['reviewr'] } }] }),
    ).rejects.toMatchObject({ code: 'INVALID_PIPELINE', message: expect.stringContaining('stages[1].task.agents[0]: unknown agent "reviewr" (known: implementer, tester)') });
  });
});
