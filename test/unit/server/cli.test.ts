import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/run-cli.js';

/** `switchyard serve`'s own checks: each mistake is one line and exit 2, before anything is opened or bound. */

let saved: string | undefined;
beforeEach(() => {
  saved = process.env.SWITCHYARD_API_KEYS;
  delete process.env.SWITCHYARD_API_KEYS;
});
afterEach(() => {
  if (saved === undefined) delete process.env.SWITCHYARD_API_KEYS;
  else process.env.SWITCHYARD_API_KEYS = saved;
});

describe('switchyard serve', () => {
  it('--help teaches with examples, auth and limits', async () => {
    const { code, stdout } = await runCli('serve', '--help');
    expect(code).toBe(0);
    expect(stdout).toMatch(/\nExamples:\n\s+\$ switchyard serve --pipelines/);
    for (const flag of ['--host', '--port', '--pipelines', '--store', '--scheduler', '--key-file', '--max-body', '--rate', '--burst', '--max-runs', '--grace']) expect(stdout).toContain(flag);
    expect(stdout).toContain('SWITCHYARD_API_KEYS');
  });

  it.each([
    [['--host', '0.0.0.0'], /^error: --host 0\.0\.0\.0: expected a loopback address .* set SWITCHYARD_API_KEYS or --key-file/],
    [['--port', '70000'], /^error: --port: expected a whole number from 0 to 65535; got "70000"/],
    [['--rate', '0'], /^error: --rate: expected a whole number from 1/],
    [['--max-runs', 'many'], /^error: --max-runs: expected a whole number/],
    [['--grace', 'soon'], /^error: --grace: /],
    [['--key-file', '/nonexistent/keys'], /^error: --key-file: expected a readable file with one API key a line/],
    [['--pipelines', '/nonexistent/pipelines', '--port', '0'], /^error: --pipelines: expected a readable folder of pipeline files/],
  ])('serve %j is exit 2 with one line', async (args, message) => {
    const { code, stderr } = await runCli('serve', ...args);
    expect(code).toBe(2);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(message);
  });

  it('a short key in SWITCHYARD_API_KEYS is refused by its position, never printed', async () => {
    process.env.SWITCHYARD_API_KEYS = 'abc123';
    const { code, stderr } = await runCli('serve', '--host', '0.0.0.0');
    expect(code).toBe(2);
    expect(stderr).toMatch(/^error: SWITCHYARD_API_KEYS\[0\]: expected an API key of at least 16 characters/);
    expect(stderr).not.toContain('abc123');
  });
});
