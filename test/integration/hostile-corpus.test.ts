import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Every file of the hostile-input corpus (test/fixtures/hostile/) through the real CLI, as an attacker would hand it
 * over: each ends with exit 2 (refused before anything runs) or a clean stage failure, within a bound, with no stack
 * trace, no module from outside executed and no file outside the test's folder touched.
 */
const ROOT = resolve(import.meta.dirname, '../..');
const CORPUS = join(ROOT, 'test/fixtures/hostile');
const CLI = join(ROOT, 'test/helpers/cli.mjs');
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
/** Far above what any case needs (the expression budget is 1 s); a case that reaches it has hung. */
const BOUND_MS = 90_000;

type Expectation = 'refused' | 'stage-limit' | 'completed' | 'no-secret';
/** JSON cannot carry the `# expect:` comment the YAML files start with. */
const JSON_EXPECTATIONS: Record<string, Expectation> = { 'deep-nesting.json': 'refused', 'duplicate-keys.json': 'refused' };

function expectationOf(file: string): Expectation {
  if (file.endsWith('.json')) return JSON_EXPECTATIONS[file] ?? (() => { throw new Error(`${file}: add it to JSON_EXPECTATIONS`); })();
  const line = /^# expect: (.+)$/m.exec(readFileSync(join(CORPUS, file), 'utf8'))?.[1]?.trim();
  if (line === 'INVALID_PIPELINE' || line === 'exit 2') return 'refused';
  if (line === 'EXPRESSION_LIMIT') return 'stage-limit';
  if (line === 'completed') return 'completed';
  if (line === 'no secret') return 'no-secret';
  throw new Error(`${file}: no "# expect:" line the corpus test understands (got ${JSON.stringify(line)})`);
}

const cases = readdirSync(CORPUS).filter((f) => /\.(ya?ml|json)$/.test(f)).sort();
let root = '';
let work = '';
let outside = '';
const secret = `TOP-SECRET-${Math.random().toString(36).slice(2)}`;

function snapshot(dir: string): string {
  return readdirSync(dir, { recursive: true, withFileTypes: false } as never)
    .map(String)
    .sort()
    .map((name) => `${name}:${statSync(join(dir, name)).mtimeMs}`)
    .join('\n');
}

interface Outcome {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

function runCli(file: string): Promise<Outcome> {
  return new Promise((done) => {
    const started = Date.now();
    const child = spawn(process.execPath, ['--import', TSX, CLI, 'run', file, '--json'], {
      cwd: work,
      env: { ...process.env, SWITCHYARD_HOME: join(root, 'home'), SWITCHYARD_MODULE_ROOTS: '', SWITCHYARD_DOCUMENT_ROOTS: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += String(chunk)));
    child.stderr.on('data', (chunk) => (stderr += String(chunk)));
    const timer = setTimeout(() => child.kill('SIGKILL'), BOUND_MS);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr, ms: Date.now() - started });
    });
  });
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'sy-hostile-'));
  work = join(root, 'corpus');
  outside = join(root, 'outside');
  cpSync(CORPUS, work, { recursive: true });
  // The harness adapter imports the library by a path relative to the repository; point it there from the copy.
  const adapter = join(work, 'step-adapter.ts');
  const source = readFileSync(adapter, 'utf8')
    .replace("'../../../src/index.js'", JSON.stringify(join(ROOT, 'src/index.ts')))
    .replace("'zod'", JSON.stringify(pathToFileURL(join(ROOT, 'node_modules/zod/index.js')).href));
  writeFileSync(adapter, source);
  mkdirSync(outside);
  writeFileSync(join(outside, 'evil.mjs'), `import { writeFileSync } from 'node:fs';\nwriteFileSync(${JSON.stringify(join(outside, 'evil-ran'))}, 'ran');\nexport default () => {};\n`);
  writeFileSync(join(outside, 'secret.txt'), `The secret is ${secret}.\n`);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('the hostile-input corpus through the real CLI', () => {
  it('has a case for each kind of attack the trust model names', () => {
    for (const kind of ['yaml-alias-bomb', 'unresolved-alias', 'duplicate-keys', 'module-escape', 'module-absolute', 'docs-widen-roots', 'huge-numbers', 'prototype-keys', 'endless-recursion', 'catastrophic-regex', 'eval']) {
      expect(cases.some((f) => f.startsWith(kind))).toBe(true);
    }
  });

  it.each(cases)('%s ends cleanly within the bound, touching nothing outside its folder', { timeout: BOUND_MS + 30_000 }, async (file) => {
    const before = snapshot(outside);
    const outcome = await runCli(join(work, file));
    const expectation = expectationOf(file);
    expect(outcome.code, `${file} was killed after ${outcome.ms} ms or crashed:\n${outcome.stderr}`).not.toBeNull();
    // A user's mistake or an attack is one clear line, never a stack trace.
    expect(outcome.stderr).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
    expect(outcome.stderr).not.toContain('does not provide an export');
    expect(snapshot(outside)).toBe(before);
    expect(existsSync(join(outside, 'evil-ran'))).toBe(false);
    expect(`${outcome.stdout}${outcome.stderr}`).not.toContain(secret);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    if (expectation === 'refused') {
      expect(outcome.code, outcome.stderr).toBe(2);
      expect(outcome.stderr.trim().split('\n')[0]).toMatch(/^error: /);
    } else if (expectation === 'stage-limit') {
      expect(outcome.code, outcome.stderr).toBe(1);
      expect(outcome.stdout).toContain('"code": "EXPRESSION_LIMIT"');
    } else if (expectation === 'completed') {
      expect(outcome.code, outcome.stderr).toBe(0);
    } else {
      // The stage ran and refused to widen its roots: nothing outside its folder was read.
      expect(outcome.code, outcome.stderr).toBe(1);
      expect(outcome.stdout).toContain('is outside the document roots the operator allows');
      expect(outcome.stdout).not.toContain(readFileSync('/etc/hostname', 'utf8').trim() || secret);
    }
  });
});
