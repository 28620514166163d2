import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/run-cli.js';

const root = resolve(import.meta.dirname, '../../..');

describe('--help teaches with an example', () => {
  const commands = [
    ['select'], ['recommend'], ['guide'], ['profiles'],
    ['schedule'], ['schedule', 'add'], ['schedule', 'list'], ['schedule', 'pause'], ['schedule', 'resume'], ['schedule', 'rm'], ['scheduler'],
    ['deploy'], ['worker'], ['run'], ['validate'], ['runs'], ['runs', 'list'], ['runs', 'show'], ['resume'], ['approve'], ['reject'],
  ];
  it.each(commands.map((c) => [c.join(' '), c] as const))('switchyard %s --help', async (_name, command) => {
    const { code, stdout } = await runCli(...command, '--help');
    expect(code).toBe(0);
    expect(stdout).toMatch(/\nExamples?:\n\s+\$ /);
    expect(stdout).toContain(`$ switchyard ${command.join(' ')}`);
  });

  it('the top-level examples name files that exist', async () => {
    const { stdout } = await runCli('--help');
    const files = [...stdout.matchAll(/\$ switchyard (?:run|schedule add|validate) (\S+)/g)].map((m) => m[1]!);
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) expect(existsSync(join(root, file)), `${file} in switchyard --help`).toBe(true);
  });
});
