import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../../..');
const bin = join(root, 'bin/switchyard.js');
const tmp = mkdtempSync(join(tmpdir(), 'switchyard-bin-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

// Build when dist is missing or older than the selector/CLI sources (tsc emits even if another part of the tree has type errors).
beforeAll(() => {
  const built = join(root, 'dist/src/selector/load.js');
  const sources = Math.max(newestMtime(join(root, 'src/selector')), newestMtime(join(root, 'src/cli')), newestMtime(join(root, 'src/profiles')));
  if (existsSync(built) && statSync(built).mtimeMs >= sources) return;
  const tsc = [process.execPath, join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'];
  const locked = spawnSync('flock', ['/tmp/switchyard-build.lock', ...tsc], { cwd: root, stdio: 'ignore' });
  if (locked.error) spawnSync(tsc[0]!, tsc.slice(1), { cwd: root, stdio: 'ignore' }); // no flock on this machine
  expect(existsSync(built), 'npm run build did not produce dist/src/selector/load.js').toBe(true);
}, 300_000);

describe('the built bin', () => {
  it('switchyard select --task-type rag_workflow --json', () => {
    const out = execFileSync(process.execPath, [bin, 'select', '--task-type', 'rag_workflow', '--json'], { encoding: 'utf8' });
    expect(JSON.parse(out).type).toBe('llamaindex');
  });

  it('exits 2 with one line on an unknown flag', () => {
    const result = spawnSync(process.execPath, [bin, 'recommend', 'x', '--fast'], { encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stderr).toBe("error: unknown option '--fast' (see `switchyard recommend --help`)\n");
  });

  it('select, recommend, guide and profiles load no engine SDK, no zod and no yaml', () => {
    const trace = join(tmp, 'modules.txt');
    const hooks = join(tmp, 'hooks.mjs');
    const register = join(tmp, 'register.mjs');
    writeFileSync(
      hooks,
      `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  appendFileSync(${JSON.stringify(trace)}, result.url + '\\n');
  return result;
}`,
    );
    writeFileSync(register, `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`);
    for (const args of [['select', '-t', 'rag_workflow', '--json'], ['recommend', 'analyze documents and get approval'], ['guide'], ['profiles', 'agno']]) {
      const result = spawnSync(process.execPath, ['--import', pathToFileURL(register).href, bin, ...args], { encoding: 'utf8' });
      expect(result.status, result.stderr).toBe(0);
    }
    const modules = readFileSync(trace, 'utf8').split('\n').filter(Boolean);
    expect(modules.some((m) => m.includes('/dist/src/selector/core.js'))).toBe(true);
    const heavy = modules.filter((m) => /node_modules\/(zod|yaml|@langchain|llamaindex|@llamaindex|openai|bree|pg|better-sqlite3|jsonata|pino)\//.test(m));
    expect(heavy).toEqual([]);
  });
});
