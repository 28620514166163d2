import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { temporalProfile } from '../../fixtures/custom-profile.js';
import { runCli } from '../../helpers/run-cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'switchyard-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('switchyard select', () => {
  it('--json prints one object whose type is the orchestrator', async () => {
    const { code, stdout, stderr } = await runCli('select', '--task-type', 'rag_workflow', '--json');
    expect([code, stderr]).toEqual([0, '']);
    expect(JSON.parse(stdout)).toEqual({ type: 'llamaindex', rule: 'task-type', rulePath: ['task-type: "rag_workflow" is declared by llamaindex -> llamaindex'] });
  });

  it('honours the requirement flags (seed 002 pairs)', async () => {
    const type = async (...args: string[]) => JSON.parse((await runCli('select', ...args, '--json')).stdout).type;
    expect(await type('--task-type', 'approval_workflow', '--requires-state', '--requires-routing')).toBe('langgraph');
    expect(await type('--task-type', 'batch', '--requires-scheduling')).toBe('prefect');
    expect(await type('--task-type', 'generic', '--requires-state')).toBe('langgraph');
    expect(await type('-t', 'simple')).toBe('agno');
  });

  it('prints a readable table of the rule path without --json', async () => {
    const { code, stdout } = await runCli('select', '--task-type', 'generic', '--requires-state', '--requires-scheduling');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^prefect \(Prefect: Scheduled workflows, DAGs\), decided by rule "precedence"/);
    expect(stdout).toMatch(/#\s+rule\s+outcome/);
    expect(stdout).toMatch(/3\s+precedence\s+scheduling ranks first/);
  });

  it('bad input: one clear line and exit code 2', async () => {
    const unknown = await runCli('select', '--task-type', 'x', '--requires-magic');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^error: unknown option '--requires-magic'/);
    expect(unknown.stdout).toBe('');
    const missing = await runCli('select');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/required option '-t, --task-type <type>' not specified/);
    const empty = await runCli('select', '--task-type', ' ');
    expect(empty).toMatchObject({ code: 2, stderr: 'error: --task-type: expected a task type such as rag_workflow; got " "\n' });
    const extra = await runCli('select', '--task-type', 'x', 'surplus');
    expect(extra.code).toBe(2);
  });
});

describe('switchyard recommend', () => {
  it('--json prints one object with type, reasons, alternatives and a plan', async () => {
    const { code, stdout } = await runCli('recommend', 'Need to analyze documents and get approval', '--json');
    expect(code).toBe(0);
    const result = JSON.parse(stdout);
    expect(result.type).toBe('llamaindex');
    expect(result.profile).toMatchObject({ type: 'llamaindex', name: 'LlamaIndex', complexity: 'medium' });
    expect(result.profile.intents).toBeUndefined();
    expect(result.alternatives[0].type).toBe('langgraph');
    expect(result.plan.map((s: { type: string }) => s.type)).toEqual(['llamaindex', 'langgraph']);
  });

  it('joins unquoted words and prints tables', async () => {
    const { code, stdout } = await runCli('recommend', 'refresh', 'the', 'dashboard', 'every', 'morning');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^prefect \(Prefect: Scheduled workflows, DAGs\), confidence 0\.\d\d/);
    expect(stdout).toMatch(/rank\s+orchestrator\s+score\s+confidence/);
    expect(stdout).toMatch(/"every morning"\s+prefect\s+scheduled runs/);
  });

  it('needs a description', async () => {
    expect((await runCli('recommend')).code).toBe(2);
    expect(await runCli('recommend', '  ')).toMatchObject({ code: 2, stderr: expect.stringMatching(/^error: description: expected a non-empty description/) });
  });
});

describe('switchyard guide', () => {
  it('--json prints the 12-entry object', async () => {
    const { code, stdout } = await runCli('guide', '--json');
    expect(code).toBe(0);
    const guide = JSON.parse(stdout);
    expect(Object.keys(guide)).toHaveLength(12);
    expect(guide['RAG pipeline']).toBe('llamaindex');
    expect(guide['Human-in-the-loop']).toBe('langgraph');
  });

  it('prints a table', async () => {
    const { stdout } = await runCli('guide');
    expect(stdout.split('\n')[0]).toMatch(/^task\s+orchestrator$/);
    expect(stdout).toMatch(/Simple agent task\s+agno/);
  });
});

describe('switchyard profiles', () => {
  it('lists the profiles as a table', async () => {
    const { code, stdout } = await runCli('profiles');
    expect(code).toBe(0);
    expect(stdout).toMatch(/langgraph\s+LangGraph\s+high\s+yes\s+yes\s+no\s+100-200ms/);
  });

  it('shows one profile, as a table or JSON', async () => {
    expect((await runCli('profiles', 'prefect')).stdout).toMatch(/setup time\s+200-500ms/);
    const json = JSON.parse((await runCli('profiles', 'agno', '--json')).stdout);
    expect(json.strengths).toEqual(['Simple agent execution', 'Fast setup', 'Low overhead', 'Direct API calls']);
  });

  it('an unknown name exits 2 naming the known types', async () => {
    expect(await runCli('profiles', 'airflow')).toMatchObject({ code: 2, stderr: 'error: unknown orchestrator type "airflow"; expected one of agno, langgraph, llamaindex, prefect\n' });
  });
});

describe('--profiles DIR', () => {
  it('custom orchestrators take part in select, recommend, guide and profiles', async () => {
    const dir = join(tmp, 'custom');
    await import('node:fs/promises').then((fs) => fs.mkdir(dir));
    writeFileSync(join(dir, 'temporal.json'), JSON.stringify(temporalProfile()));
    expect(JSON.parse((await runCli('select', '--task-type', 'saga', '--profiles', dir, '--json')).stdout).type).toBe('temporal');
    expect(JSON.parse((await runCli('recommend', 'a saga with compensation', '--profiles', dir, '--json')).stdout).type).toBe('temporal');
    expect(JSON.parse((await runCli('guide', '--profiles', dir, '--json')).stdout)['Durable workflow']).toBe('temporal');
    expect((await runCli('profiles', '--profiles', dir)).stdout).toMatch(/temporal\s+Temporal/);
  });

  it('a malformed profile exits 2 naming the file and field path', async () => {
    const dir = join(tmp, 'malformed');
    await import('node:fs/promises').then((fs) => fs.mkdir(dir));
    writeFileSync(join(dir, 'temporal.json'), JSON.stringify({ ...temporalProfile(), complexity: 'extreme' }));
    const { code, stderr } = await runCli('select', '--task-type', 'x', '--profiles', dir);
    expect(code).toBe(2);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toBe(`error: invalid profile ${join(dir, 'temporal.json')}: complexity: Invalid option: expected one of "low"|"medium"|"high"\n`);
  });
});

describe('--help teaches with an example', () => {
  for (const command of ['select', 'recommend', 'guide', 'profiles']) {
    it(command, async () => {
      const { code, stdout } = await runCli(command, '--help');
      expect(code).toBe(0);
      expect(stdout).toMatch(new RegExp(`Examples:\\n  \\$ switchyard ${command}`));
    });
  }
});
