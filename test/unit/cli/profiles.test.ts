import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/run-cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'switchyard-cli-profiles-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const agno = JSON.parse(readFileSync(resolve(import.meta.dirname, '../../../profiles/agno.json'), 'utf8')) as Record<string, unknown>;

function profileDir(name: string, file: string, text: string): string {
  const dir = join(tmp, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, file), text);
  return dir;
}

describe('profiles and --profiles: one clear line, exit 2', () => {
  it('a typo in an orchestrator type suggests the close one', async () => {
    expect(await runCli('profiles', 'langgrph')).toMatchObject({
      code: 2,
      stdout: '',
      stderr: 'error: unknown orchestrator type "langgrph"; expected one of agno, langgraph, llamaindex, prefect (did you mean "langgraph"?)\n',
    });
  });

  it('an unknown key in a custom profile names the key and the close field', async () => {
    const { complexity, ...rest } = agno;
    const dir = profileDir('typo', 'temporal.json', JSON.stringify({ ...rest, type: 'temporal', name: 'Temporal', complexty: complexity }));
    expect(await runCli('profiles', '--profiles', dir)).toMatchObject({
      code: 2,
      stdout: '',
      stderr: `error: invalid profile ${join(dir, 'temporal.json')}: complexty: unknown key (did you mean "complexity"?) (and 1 more issue)\n`,
    });
  });

  it('an unknown nested key is named with its full path', async () => {
    const overhead = agno.overhead as Record<string, unknown>;
    const dir = profileDir('nested', 'temporal.json', JSON.stringify({ ...agno, type: 'temporal', name: 'Temporal', overhead: { ...overhead, setuptime: 'x' } }));
    const { code, stderr } = await runCli('select', '-t', 'x', '--profiles', dir);
    expect(code).toBe(2);
    expect(stderr).toMatch(/: overhead\.setuptime: unknown key \(did you mean "setupTime"\?\)/);
  });

  it('a YAML syntax error in a profile stays on one line', async () => {
    const dir = profileDir('yaml', 'temporal.yaml', 'type: temporal\nname: [oops\n');
    const { code, stdout, stderr } = await runCli('guide', '--profiles', dir);
    expect([code, stdout]).toEqual([2, '']);
    expect(stderr).toMatch(/^error: invalid profile .*temporal\.yaml: not valid YAML: [^\n]*[^:\n]\n$/);
  });

  it('--profiles that is missing or not a directory names the flag', async () => {
    const missing = join(tmp, 'nope');
    expect(await runCli('recommend', 'x', '--profiles', missing)).toMatchObject({
      code: 2,
      stdout: '',
      stderr: `error: --profiles: expected a readable directory of profile files (.json, .yaml); got ${JSON.stringify(missing)}\n`,
    });
    const file = join(profileDir('file', 'x.txt', ''), 'x.txt');
    expect((await runCli('select', '-t', 'x', '--profiles', file)).stderr).toMatch(/^error: --profiles: expected a readable directory/);
  });
});
