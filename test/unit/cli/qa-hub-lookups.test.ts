import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openRunStore } from 'switchyard';
import { main } from '../../../src/cli/main.js';

const MODULE = resolve(import.meta.dirname, '../../fixtures/hub/cli-module.ts');

let out = '';
let err = '';
let dir = '';
let home = '';

beforeEach(() => {
  out = '';
  err = '';
  dir = mkdtempSync(join(tmpdir(), 'sy-qa-hub-'));
  home = join(dir, 'home');
  vi.stubEnv('SWITCHYARD_HOME', home);
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((out += String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((err += String(chunk)), true));
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

describe('lookups never create the run store', () => {
  it('runs list, runs show, resume, approve and reject on a fresh home write no file', async () => {
    expect(await main(['runs', 'list'])).toBe(0);
    expect(out).toContain('no runs yet');
    out = '';
    expect(await main(['runs', 'list', '--json'])).toBe(0);
    expect(JSON.parse(out)).toEqual([]);
    for (const argv of [['runs', 'show', 'nope'], ['resume', 'nope'], ['approve', 'nope'], ['reject', 'nope']]) {
      err = '';
      expect(await main(argv)).toBe(2);
      expect(err).toMatch(/^error: no run "nope" in /);
    }
    expect(existsSync(join(home, 'switchyard.sqlite'))).toBe(false);
    expect(existsSync(home)).toBe(false);
  });
});

describe('a run whose process died shows as interrupted and resumes', () => {
  it('runs list / show say interrupted, --status filters on it, resume finishes it', async () => {
    const file = join(dir, 'p.yaml');
    writeFileSync(file, `name: crashed\nmodules: [${JSON.stringify(MODULE)}]\nstages:\n  - { id: a, type: step, task: { op: value, value: 7 } }\n`);
    expect(await main(['run', file, '--json'])).toBe(0);
    const { runId } = JSON.parse(out) as { runId: string };
    // as if the process had been killed mid-run: status still running, its pid gone
    const dead = spawnSync(process.execPath, ['-e', '0']).pid;
    const store = await openRunStore(home);
    await store.updateRun(runId, { status: 'running', pid: dead });
    await store.close();

    out = '';
    expect(await main(['runs', 'list', '--json'])).toBe(0);
    expect((JSON.parse(out) as { runId: string; status: string }[]).find((r) => r.runId === runId)?.status).toBe('interrupted');
    out = '';
    expect(await main(['runs', 'list', '--status', 'interrupted', '--json'])).toBe(0);
    expect((JSON.parse(out) as { runId: string }[]).map((r) => r.runId)).toEqual([runId]);
    out = '';
    expect(await main(['runs', 'list', '--status', 'running', '--json'])).toBe(0);
    expect(JSON.parse(out)).toEqual([]);
    out = '';
    expect(await main(['runs', 'show', runId])).toBe(0);
    expect(out).toContain(`run ${runId} (crashed): interrupted`);

    out = '';
    expect(await main(['resume', runId, '--json'])).toBe(0);
    expect(JSON.parse(out)).toMatchObject({ runId, status: 'completed', output: 7 });
  });

  it('runs list --help names every status it accepts, interrupted included', async () => {
    expect(await main(['runs', 'list', '--help'])).toBe(0);
    for (const status of ['running', 'completed', 'failed', 'partial', 'cancelled', 'waiting', 'interrupted']) expect(out).toContain(status);
    expect(await main(['runs', 'list', '--status', 'interruptd'])).toBe(2);
    expect(err).toContain('interrupted');
  });
});

describe('a module that throws while registering', () => {
  it('is a user error (exit 2) naming modules[0] and the module file', async () => {
    writeFileSync(join(dir, 'broken.ts'), "export default (registry: { register: () => void }): void => { registry.register(); };\n");
    const file = join(dir, 'mods.yaml');
    writeFileSync(file, 'name: m\nmodules: [./broken.ts]\nstages:\n  - { type: agno, task: { agents: [a] } }\n');
    expect(await main(['validate', file])).toBe(2);
    expect(err).toMatch(/^error: .*mods\.yaml: modules\[0\]: \.\/broken\.ts threw while registering its resources: registry\.register is not a function \(in .*broken\.ts\)\n$/);
  });
});
