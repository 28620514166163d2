import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/run-cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'switchyard-cli-errors-'));
const home = join(tmp, 'home');
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
beforeEach(() => {
  process.env.SWITCHYARD_HOME = home;
});

/** One line on stderr, nothing on stdout, exit 2, and no files written under the home. */
function expectRejected(result: { code: number; stdout: string; stderr: string }, line: RegExp): void {
  expect(result.code, result.stderr).toBe(2);
  expect(result.stdout).toBe('');
  expect(result.stderr).toMatch(/^error: [^\n]+\n$/);
  expect(result.stderr).toMatch(line);
  expect(existsSync(home) ? readdirSync(home) : []).toEqual([]);
}

describe('commander errors are one line with a pointer to the right help', () => {
  it('unknown option on a command', async () => {
    expectRejected(await runCli('select', '-t', 'x', '--requires-magic'), /^error: unknown option '--requires-magic' \(see `switchyard select --help`\)\n$/);
  });

  it('a close unknown option gets commander suggestion on the same line', async () => {
    expectRejected(await runCli('guide', '--jsn'), /^error: unknown option '--jsn' \(did you mean --json\?\) \(see `switchyard guide --help`\)\n$/);
  });

  it('missing argument and unknown option on a nested subcommand name the subcommand', async () => {
    expectRejected(await runCli('schedule', 'add'), /^error: missing required argument 'file' \(see `switchyard schedule add --help`\)\n$/);
    expectRejected(await runCli('schedule', 'add', 'x.yaml', '--bogus'), /\(see `switchyard schedule add --help`\)\n$/);
  });

  it('unknown command and a missing required option', async () => {
    expectRejected(await runCli('selct'), /^error: unknown command 'selct' \(did you mean select\?\) \(see `switchyard --help`\)\n$/);
    expectRejected(await runCli('select'), /^error: required option '-t, --task-type <type>' not specified \(see `switchyard select --help`\)\n$/);
  });
});
