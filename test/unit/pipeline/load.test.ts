import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readPipelineFile } from 'switchyard';

function file(name: string, text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'sy-load-')), name);
  writeFileSync(path, text);
  return path;
}

async function errorOf(path: string): Promise<{ code: string; message: string; path?: string; file?: string }> {
  try {
    await readPipelineFile(path);
  } catch (error) {
    return error as { code: string; message: string; path?: string; file?: string };
  }
  throw new Error('expected an error');
}

describe('reading pipeline files: JSON and YAML treat duplicates, byte-order marks and aliases the same way', () => {
  it('refuses a duplicate key in JSON as YAML does, naming its position', async () => {
    const json = await errorOf(file('p.json', '{\n  "name": "a",\n  "name": "b",\n  "stages": []\n}\n'));
    expect(json).toMatchObject({ code: 'INVALID_PIPELINE', path: 'line 3, column 3' });
    expect(json.message).toBe('line 3, column 3: expected valid JSON; map keys must be unique');
    const yaml = await errorOf(file('p.yaml', 'name: a\nname: b\nstages: []\n'));
    expect(yaml).toMatchObject({ code: 'INVALID_PIPELINE', path: 'line 2, column 1' });
  });

  it('accepts a byte-order mark in JSON as in YAML', async () => {
    expect((await readPipelineFile(file('p.json', '\uFEFF{"name":"a","stages":[]}'))).document).toEqual({ name: 'a', stages: [] });
    expect((await readPipelineFile(file('p.yaml', '\uFEFFname: a\nstages: []\n'))).document).toEqual({ name: 'a', stages: [] });
  });

  it('an unresolved alias is a user error with its line and column', async () => {
    const error = await errorOf(file('p.yaml', 'name: a\nstages:\n  - *missing\n'));
    expect(error).toMatchObject({ code: 'INVALID_PIPELINE', path: 'line 3, column 5' });
    expect(error.message).toBe('line 3, column 5: expected valid YAML; the alias *missing refers to no anchor set before it');
    expect(error.file).toMatch(/p\.yaml$/);
  });

  it('a YAML alias bomb is refused quickly as a user error, not expanded', async () => {
    const rows = ['a: &a [x, x, x, x, x, x, x, x, x]'];
    for (const [prev, next] of [['a', 'b'], ['b', 'c'], ['c', 'd'], ['d', 'e'], ['e', 'f'], ['f', 'g'], ['g', 'h'], ['h', 'i']]) rows.push(`${next}: &${next} [${Array(9).fill(`*${prev}`).join(', ')}]`);
    const error = await errorOf(file('bomb.yaml', `${rows.join('\n')}\n`));
    expect(error.code).toBe('INVALID_PIPELINE');
    expect(error.message).toMatch(/^line 2, column \d+: expected valid YAML; aliases expand to too many nodes/);
  });
});
