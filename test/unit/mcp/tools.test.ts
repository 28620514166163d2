import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MCP_TOOLS } from '../../../src/mcp/index.js';
import { runCli } from '../../helpers/run-cli.js';
import { PIPELINES, connect, tempHomes, type Connected } from './helpers.js';

const home = tempHomes();
let mcp: Connected;
beforeAll(async () => {
  mcp = await connect({ home: home(), pipelines: PIPELINES });
});
afterAll(() => mcp?.close());

describe('MCP tools: listing and schemas', () => {
  it('lists the nine tools, each with an object input schema and an object output schema', async () => {
    const { tools } = await mcp.client.listTools();
    expect(tools.map((t) => t.name)).toEqual([...MCP_TOOLS]);
    for (const tool of tools) {
      expect(tool.description, tool.name).toBeTruthy();
      expect(tool.inputSchema.type, tool.name).toBe('object');
      expect(tool.outputSchema?.type, tool.name).toBe('object');
    }
    const byName = Object.fromEntries(tools.map((t) => [t.name, t]));
    expect(byName.select_orchestrator!.inputSchema.required).toEqual(['taskType']);
    expect(Object.keys(byName.select_orchestrator!.inputSchema.properties ?? {})).toEqual(['taskType', 'requiresState', 'requiresRouting', 'requiresScheduling']);
    expect(byName.run_pipeline!.inputSchema.required).toEqual(['pipeline']);
    expect(Object.keys(byName.run_pipeline!.inputSchema.properties ?? {})).toEqual(['pipeline', 'input', 'wait', 'deadlineMs']);
    expect(Object.keys(byName.approve_run!.inputSchema.properties ?? {}).sort()).toEqual(['by', 'data', 'runId', 'stageId', 'wait']);
    expect(Object.keys(byName.reject_run!.inputSchema.properties ?? {}).sort()).toEqual(['by', 'reason', 'runId', 'stageId', 'wait']);
    expect(byName.get_run!.outputSchema?.required).toEqual(['run', 'stages', 'history', 'approvals']);
    expect(byName.run_pipeline!.outputSchema?.required).toEqual(['runId', 'status']);
    expect(byName.list_runs!.annotations?.readOnlyHint).toBe(true);
    expect(byName.run_pipeline!.annotations?.readOnlyHint).toBe(false);
  });

  it('an argument of the wrong shape is a tool error naming the field', async () => {
    expect(await mcp.fails('select_orchestrator', {})).toMatch(/taskType/);
    expect(await mcp.fails('select_orchestrator', { taskType: 'rag', requiresState: 'yes' })).toMatch(/requiresState/);
    expect(await mcp.fails('list_runs', { limit: 0 })).toMatch(/limit/);
    expect(await mcp.fails('run_pipeline', { pipeline: 'hello', wiat: true })).toMatch(/wiat/);
  });
});

describe('MCP tools: the selector', () => {
  it('select_orchestrator decides as the decision tree does, with the rules tried', async () => {
    expect(await mcp.ok('select_orchestrator', { taskType: 'approval_workflow', requiresState: true, requiresRouting: true })).toEqual({
      type: 'langgraph',
      rule: 'task-type',
      rulePath: [expect.stringContaining('approval_workflow')],
    });
    expect(await mcp.ok('select_orchestrator', { taskType: 'batch', requiresScheduling: true })).toMatchObject({ type: 'prefect' });
    expect(await mcp.ok('select_orchestrator', { taskType: 'rag_workflow' })).toMatchObject({ type: 'llamaindex' });
    expect(await mcp.ok('select_orchestrator', { taskType: 'generic', requiresState: true })).toMatchObject({ type: 'langgraph' });
    expect(await mcp.ok('select_orchestrator', { taskType: 'simple' })).toMatchObject({ type: 'agno' });
    expect(await mcp.ok('select_orchestrator', { taskType: 'zzz' })).toMatchObject({ type: 'agno', rule: 'default' });
  });

  it('recommend_orchestrator explains its choice and plans several intents', async () => {
    const recommendation = await mcp.ok<{ type: string; profile: { name: string }; confidence: number; reasons: unknown[]; plan?: { type: string }[] }>('recommend_orchestrator', {
      description: 'Need to analyze documents and get approval',
    });
    expect(recommendation.type).toBe('llamaindex');
    expect(recommendation.profile.name).toBe('LlamaIndex');
    expect(recommendation.confidence).toBeGreaterThan(0);
    expect(recommendation.reasons.length).toBeGreaterThan(0);
    expect(recommendation.plan?.map((s) => s.type)).toEqual(['llamaindex', 'langgraph']);
    expect(await mcp.fails('recommend_orchestrator', { description: '  ' })).toMatch(/description/);
  });

  it("get_orchestrator_guide is seed 002's quick reference", async () => {
    const { guide } = await mcp.ok<{ guide: Record<string, string> }>('get_orchestrator_guide');
    expect(Object.keys(guide)).toHaveLength(12);
    expect(guide).toMatchObject({ 'Simple agent task': 'agno', 'RAG pipeline': 'llamaindex', 'Approval workflow': 'langgraph', 'ETL pipeline': 'prefect' });
  });
});

describe('MCP tools: validate_pipeline', () => {
  it('an offered pipeline and a good inline one are valid, with their stages', async () => {
    expect(await mcp.ok('validate_pipeline', { pipeline: 'release' })).toEqual({
      valid: true,
      name: 'release',
      goal: 'Review the build and deploy it after approval',
      stages: [{ id: 'gate', type: 'langgraph' }],
      warnings: [],
      issues: [],
    });
    const inline = { name: 'gate', stages: [{ id: 'ask', type: 'langgraph', task: { workflow: { nodes: ['approve'] } } }] };
    expect(await mcp.ok('validate_pipeline', { pipeline: inline })).toMatchObject({ valid: true, name: 'gate', stages: [{ id: 'ask', type: 'langgraph' }] });
  });

  it('a bad pipeline answers valid: false with every issue named by its path', async () => {
    const bad = {
      name: 'bad',
      stages: [
        { id: 'a', type: 'langraph', task: {} },
        { id: 'b', type: 'prefect', task: { workflow: { nodes: [] } }, retry: { attempts: 'three' } },
      ],
    };
    const answer = await mcp.ok<{ valid: boolean; error: { code: string }; issues: { path: string; message: string; suggestion?: string }[] }>('validate_pipeline', { pipeline: bad });
    expect(answer.valid).toBe(false);
    expect(answer.error.code).toBe('INVALID_PIPELINE');
    const paths = answer.issues.map((i) => i.path);
    expect(paths).toContain('stages[0].type');
    expect(paths.some((p) => p.startsWith('stages[1].'))).toBe(true);
    expect(answer.issues.find((i) => i.path === 'stages[0].type')).toMatchObject({ suggestion: 'langgraph', message: expect.stringMatching(/^stages\[0\]\.type: expected one of/) });
    for (const issue of answer.issues) expect(issue.message.startsWith(issue.path)).toBe(true);
  });

  it('an inline pipeline may not load modules; an unknown name is a tool error', async () => {
    const withModules = { name: 'sneaky', modules: ['./handlers.ts'], stages: [{ type: 'agno', task: { agents: ['x'] } }] };
    expect(await mcp.ok('validate_pipeline', { pipeline: withModules })).toMatchObject({ valid: false, issues: [{ path: 'modules', message: expect.stringMatching(/^modules: expected no modules in an inline pipeline/) }] });
    expect(await mcp.fails('validate_pipeline', { pipeline: 'helo' })).toBe('NOT_FOUND: pipeline: expected the name of an offered pipeline (hello, release, slow); got "helo" (did you mean "hello"?)');
  });
});

describe('switchyard mcp', () => {
  it('--help teaches with an example', async () => {
    const { code, stdout } = await runCli('mcp', '--help');
    expect(code).toBe(0);
    expect(stdout).toMatch(/\nExamples?:\n\s+\$ switchyard mcp/);
    expect(stdout).toContain('--pipelines <dir>');
  });

  it('a pipelines folder with an invalid file does not start, naming the file and the path', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const dir = mkdtempSync(join(home(), 'pipelines-'));
    writeFileSync(join(dir, 'broken.yaml'), 'name: broken\nstages:\n  - type: agno\n    task: { agents: [nobody] }\n');
    const { code, stderr } = await runCli('mcp', '--pipelines', dir, '--home', home());
    expect(code).toBe(2);
    expect(stderr).toContain('broken.yaml');
    expect(stderr).toContain('stages[0].task.agents[0]');
  });
});
