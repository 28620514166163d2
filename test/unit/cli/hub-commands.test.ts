import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openRunStore } from 'switchyard';
import { main } from '../../../src/cli/main.js';

const MODULE = resolve(import.meta.dirname, '../../fixtures/hub/cli-module.ts');
// The pipelines live in temporary folders; the operator trusts the fixtures folder as a module root.
process.env.SWITCHYARD_MODULE_ROOTS = resolve(import.meta.dirname, '../../fixtures/hub');

let out = '';
let err = '';
let home = '';
let dir = '';

beforeEach(() => {
  out = '';
  err = '';
  dir = mkdtempSync(join(tmpdir(), 'sy-cli-'));
  home = join(dir, 'home');
  vi.stubEnv('SWITCHYARD_HOME', home);
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((out += String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((err += String(chunk)), true));
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

function pipeline(name: string, stages: string): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, `name: ${name}\nmodules: [${JSON.stringify(MODULE)}]\nstages:\n${stages}`);
  return file;
}

const OK = pipeline.bind(null);

describe('switchyard run / validate / runs / resume / approve / reject', () => {
  it('run: exit 0 and a summary; --json prints the result; --jsonl writes events', async () => {
    const file = OK('ok', "  - { id: a, type: step, task: { op: value, value: 1 } }\n  - { id: b, type: step, task: { op: value }, input: '{ \"n\": previous + input.add }' }\n");
    expect(await main(['run', file, '--input', '{"add":2}'])).toBe(0);
    expect(out).toMatch(/run \S+ \(ok\): completed/);
    expect(out).toContain('output: {"input":{"n":3}}');
    out = '';
    const jsonl = join(dir, 'events.jsonl');
    expect(await main(['run', file, '--input', '{"add":2}', '--json', '--jsonl', jsonl])).toBe(0);
    const result = JSON.parse(out) as { status: string; output: unknown; runId: string };
    expect(result).toMatchObject({ status: 'completed', output: { input: { n: 3 } } });
    const events = readFileSync(jsonl, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string; runId: string });
    expect(events[0]?.type).toBe('run.started');
    expect(events.at(-1)?.type).toBe('run.finished');
    expect(events.every((e) => e.runId === result.runId)).toBe(true);
  });

  it('run: exit 1 when a stage fails; exit 2 for bad --input or an invalid pipeline, with nothing written', async () => {
    const failing = OK('failing', '  - { id: a, type: step, task: { op: fail } }\n');
    expect(await main(['run', failing])).toBe(1);
    expect(out).toContain('a failed on purpose');
    const before = existsSync(home);
    expect(await main(['run', failing, '--input', '{nope'])).toBe(2);
    expect(err).toMatch(/error: --input: expected JSON \(.+\); got "\{nope"/);
    err = '';
    const invalid = OK('invalid', '  - { id: a, type: stpe, task: { op: value } }\n');
    const runsBefore = await countRuns();
    expect(await main(['run', invalid])).toBe(2);
    expect(err).toMatch(/stages\[0\]\.type: expected one of .*step.*; got "stpe" \(did you mean "step"\?\)/);
    expect(err).not.toMatch(/\n\s+at /);
    expect(await countRuns()).toBe(runsBefore);
    expect(before).toBe(true);
  });

  it('validate: exit 0 for a valid file, 2 for an invalid one', async () => {
    const file = OK('valid', '  - { id: a, type: step, task: { op: value } }\n');
    expect(await main(['validate', file])).toBe(0);
    expect(out).toContain('valid pipeline "valid" (a:step)');
    out = '';
    expect(await main(['validate', file, '--json'])).toBe(0);
    expect(JSON.parse(out)).toMatchObject({ valid: true, name: 'valid', stages: [{ id: 'a', type: 'step' }] });
    const bad = OK('bad', '  - { id: a, type: step, task: { op: vlaue } }\n');
    expect(await main(['validate', bad])).toBe(2);
    expect(err).toContain('stages[0].task.op: expected one of value, fail, approve, sleep; got "vlaue" (did you mean "value"?)');
    expect(await main(['validate', join(dir, 'missing.yaml')])).toBe(2);
  });

  it('waiting: run exits 0 and says how to approve; approve resumes; runs list/show report it', async () => {
    const file = OK('approval', '  - { id: build, type: step, task: { op: value, value: built } }\n  - { id: review, type: step, task: { op: approve } }\n');
    expect(await main(['run', file, '--json'])).toBe(0);
    const waiting = JSON.parse(out) as { runId: string; status: string; pendingApproval: { stageId: string } };
    expect(waiting.status).toBe('waiting');
    out = '';
    expect(await main(['run', file])).toBe(0);
    expect(out).toMatch(/waiting for approval at review \(review\): ship it\?\n {2}approve: switchyard approve \S+ --stage review/);

    out = '';
    expect(await main(['runs', 'list', '--json'])).toBe(0);
    expect((JSON.parse(out) as { status: string }[]).map((r) => r.status)).toEqual(['waiting', 'waiting']);

    out = '';
    expect(await main(['approve', waiting.runId, '--data', '{"note":"ok"}', '--json'])).toBe(0);
    expect(JSON.parse(out)).toMatchObject({ runId: waiting.runId, status: 'completed', output: { approved: true, data: { note: 'ok' } } });

    out = '';
    expect(await main(['runs', 'show', waiting.runId])).toBe(0);
    expect(out).toContain(`run ${waiting.runId} (approval): completed`);
    expect(out).toContain('approval at review: ship it? — approved');
    out = '';
    expect(await main(['runs', 'show', waiting.runId, '--json', '--events'])).toBe(0);
    const shown = JSON.parse(out) as { run: { status: string }; stages: unknown[]; events: unknown[] };
    expect(shown.run.status).toBe('completed');
    expect(shown.stages).toHaveLength(2);
    expect(shown.events.length).toBeGreaterThan(4);

    expect(await main(['approve', waiting.runId])).toBe(2);
    expect(err).toContain('is completed, not waiting for approval');
    expect(await main(['runs', 'show', 'nope'])).toBe(2);
  });

  it('reject and resume', async () => {
    const file = OK('reject', '  - { id: review, type: step, task: { op: approve } }\n');
    expect(await main(['run', file, '--json'])).toBe(0);
    const { runId } = JSON.parse(out) as { runId: string };
    out = '';
    expect(await main(['resume', runId])).toBe(2);
    expect(err).toContain(`run ${runId} is waiting for approval`);
    // a rejection ends the run: failed, code REJECTED, exit 1, with the decision in the result
    expect(await main(['reject', runId, '--reason', 'not yet', '--json'])).toBe(1);
    expect(JSON.parse(out)).toMatchObject({
      status: 'failed',
      error: { code: 'REJECTED' },
      output: { approved: false, reason: 'not yet' },
      decisions: [{ stageId: 'review', approved: false, reason: 'not yet' }],
    });

    const failing = OK('resume-failed', '  - { id: a, type: step, task: { op: fail } }\n');
    out = '';
    expect(await main(['run', failing, '--json'])).toBe(1);
    const failed = JSON.parse(out) as { runId: string };
    out = '';
    expect(await main(['resume', failed.runId, '--json'])).toBe(1);
    expect(JSON.parse(out)).toMatchObject({ runId: failed.runId, status: 'failed' });
  });

  it('Ctrl-C cancels the run cleanly: exit 1, status cancelled, signal handlers removed', async () => {
    const file = OK('interrupt', '  - { id: slow, type: step, task: { op: sleep } }\n');
    const listeners = process.listenerCount('SIGINT');
    const pending = main(['run', file, '--json']);
    const started = Date.now();
    while (!existsSync(home) && Date.now() - started < 20_000) await new Promise((r) => setTimeout(r, 20));
    expect(existsSync(home), 'the run never created its home').toBe(true);
    await new Promise((r) => setTimeout(r, 200));
    process.emit('SIGINT', 'SIGINT');
    expect(await pending).toBe(1);
    const result = JSON.parse(out) as { status: string; error: { code: string; message: string } };
    expect(result.status).toBe('cancelled');
    expect(result.error).toMatchObject({ code: 'CANCELLED', message: 'interrupted by SIGINT' });
    expect(process.listenerCount('SIGINT')).toBe(listeners);
  });

  it('teaches with --help and an example', async () => {
    for (const command of ['run', 'validate', 'resume', 'approve', 'reject']) {
      out = '';
      expect(await main([command, '--help'])).toBe(0);
      expect(out).toContain('Examples:');
      expect(out).toContain(`$ switchyard ${command}`);
    }
  });
});

async function countRuns(): Promise<number> {
  const { openRunStore } = await import('switchyard');
  const store = await openRunStore(home);
  try {
    return (await store.listRuns({ limit: 1000 })).length;
  } finally {
    await store.close();
  }
}

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
