import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openExistingRunStore } from 'switchyard';
import { runCli } from '../../helpers/run-cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'switchyard-cli-issues-'));
const home = join(tmp, 'home');
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
beforeEach(() => vi.stubEnv('SWITCHYARD_HOME', home));
afterEach(() => vi.unstubAllEnvs());

/** Three independent mistakes: an unknown stage key, an agno task with a bad field, a goto to a missing stage. */
const THREE = `name: three
agents:
  writer: { instructions: Write it. }
stages:
  - { id: draft, type: agno, task: { agents: [writer] }, timeoutMS: 5000 }
  - { id: review, type: agno, task: { agents: [writer], mode: broadcst } }
  - { id: publish, type: agno, task: { agents: [writer] }, onFailure: { goto: reviw } }
`;

function file(name: string, text: string): string {
  const path = join(tmp, name);
  writeFileSync(path, text);
  return path;
}

const ISSUE_LINES = [
  /^ {2}stages\[0\]\.timeoutMS: unknown key; expected one of .* \(did you mean "timeoutMs"\?\)$/,
  /^ {2}stages\[1\]\.task\.mode: expected one of .*; got "broadcst" \(did you mean "broadcast"\?\)$/,
  /^ {2}stages\[2\]\.onFailure\.goto: expected a top-level stage id \(draft, review, publish\); got "reviw" \(did you mean "review"\?\)$/,
];

function expectThreeLines(stderr: string, path: string): void {
  const lines = stderr.trimEnd().split('\n');
  expect(lines[0]).toBe(`error: ${path}: 3 problems in the pipeline:`);
  expect(lines).toHaveLength(4);
  ISSUE_LINES.forEach((line, i) => expect(lines[i + 1]).toMatch(line));
}

describe('validate and run print every problem of a pipeline, one path-named line each', () => {
  it('validate: three mistakes, three lines, exit 2', async () => {
    const path = file('three.yaml', THREE);
    const result = await runCli('validate', path);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expectThreeLines(result.stderr, path);
  });

  it('run: the same three lines, exit 2, and no run written', async () => {
    const path = file('three-run.yaml', THREE);
    const result = await runCli('run', path);
    expect(result.code).toBe(2);
    expectThreeLines(result.stderr, path);
    const store = await openExistingRunStore(home);
    expect(store ? await store.listRuns() : []).toEqual([]);
    await store?.close();
  });

  it('--json: the issues array on stdout (validate: valid false), the lines on stderr, exit 2', async () => {
    const path = file('three-json.yaml', THREE);
    const validated = await runCli('validate', path, '--json');
    expect(validated.code).toBe(2);
    const body = JSON.parse(validated.stdout) as { valid: boolean; error: { code: string; file: string; path: string }; issues: { path: string; suggestion?: string }[] };
    expect(body.valid).toBe(false);
    expect(body.error).toMatchObject({ code: 'INVALID_PIPELINE', file: path, path: 'stages[0].timeoutMS' });
    expect(body.issues.map((i) => [i.path, i.suggestion])).toEqual([
      ['stages[0].timeoutMS', 'timeoutMs'],
      ['stages[1].task.mode', 'broadcast'],
      ['stages[2].onFailure.goto', 'review'],
    ]);
    expectThreeLines(validated.stderr, path);

    const ran = await runCli('run', path, '--json');
    expect(ran.code).toBe(2);
    expect((JSON.parse(ran.stdout) as { issues: unknown[] }).issues).toHaveLength(3);
  });

  it('a single problem prints one line, as before', async () => {
    const path = file('one.yaml', 'name: one\nstages:\n  - { type: langraph, task: {} }\n');
    const result = await runCli('validate', path);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: .*one\.yaml: stages\[0\]\.type: expected one of .*; got "langraph" \(did you mean "langgraph"\?\)\n$/);
  });

  it('many problems: the first 20 lines, then how many more', async () => {
    const stages = Array.from({ length: 23 }, (_, i) => `  - { id: s${i}, type: nope, task: {} }\n`).join('');
    const result = await runCli('validate', file('many.yaml', `name: many\nstages:\n${stages}`));
    expect(result.code).toBe(2);
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines[0]).toMatch(/: 23 problems in the pipeline:$/);
    expect(lines.slice(1, 21).every((line) => /^ {2}stages\[\d+\]\.type: /.test(line))).toBe(true);
    expect(lines.slice(21)).toEqual(['  and 3 more']);
  });
});
