import { existsSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadPipeline } from 'switchyard';

/** A module that leaves a marker file when its top level runs. */
function markerModule(file: string, marker: string): void {
  writeFileSync(file, `import { writeFileSync } from 'node:fs';\nwriteFileSync(${JSON.stringify(marker)}, 'ran');\nexport default () => {};\n`);
}

function layout() {
  const root = mkdtempSync(join(tmpdir(), 'sy-modules-'));
  const pipelines = join(root, 'pipelines');
  const outside = join(root, 'outside');
  mkdirSync(pipelines);
  mkdirSync(outside);
  markerModule(join(outside, 'evil.mjs'), join(root, 'evil-ran'));
  markerModule(join(pipelines, 'good.mjs'), join(root, 'good-ran'));
  return { root, pipelines, outside };
}

const pipeline = (modules: string[]) => `name: m\nmodules: ${JSON.stringify(modules)}\nstages:\n  - { type: agno, task: { agents: [a] } }\n`;

async function errorOf(promise: Promise<unknown>): Promise<{ message: string; path?: string; code?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as { message: string; path?: string; code?: string };
  }
  throw new Error('expected a validation error');
}

describe('modules: code only from trusted places', () => {
  const saved = process.env.SWITCHYARD_MODULE_ROOTS;
  afterEach(() => {
    if (saved === undefined) delete process.env.SWITCHYARD_MODULE_ROOTS;
    else process.env.SWITCHYARD_MODULE_ROOTS = saved;
  });

  it('refuses a ../ path outside the pipeline folder, naming it, and imports no module at all', async () => {
    const { root, pipelines } = layout();
    writeFileSync(join(pipelines, 'p.yaml'), pipeline(['./good.mjs', '../outside/evil.mjs']));
    const error = await errorOf(loadPipeline(join(pipelines, 'p.yaml')));
    expect(error.code).toBe('INVALID_PIPELINE');
    expect(error.path).toBe('modules[1]');
    expect(error.message).toContain('modules[1]: expected a module inside the pipeline\'s folder');
    expect(error.message).toContain('"../outside/evil.mjs"');
    expect(existsSync(join(root, 'evil-ran'))).toBe(false);
    // The trusted module listed first did not run either: every entry is checked before any import.
    expect(existsSync(join(root, 'good-ran'))).toBe(false);
  });

  it('refuses an absolute path and a symbolic link that leads outside', async () => {
    const { root, pipelines, outside } = layout();
    writeFileSync(join(pipelines, 'abs.yaml'), pipeline([join(outside, 'evil.mjs')]));
    expect((await errorOf(loadPipeline(join(pipelines, 'abs.yaml')))).path).toBe('modules[0]');
    symlinkSync(join(outside, 'evil.mjs'), join(pipelines, 'link.mjs'));
    writeFileSync(join(pipelines, 'link.yaml'), pipeline(['./link.mjs']));
    const error = await errorOf(loadPipeline(join(pipelines, 'link.yaml')));
    expect(error.path).toBe('modules[0]');
    expect(existsSync(join(root, 'evil-ran'))).toBe(false);
  });

  it('loads modules from the pipeline folder, and from a root the operator set in SWITCHYARD_MODULE_ROOTS', async () => {
    const { root, pipelines, outside } = layout();
    writeFileSync(join(pipelines, 'ok.yaml'), `name: m\nmodules: [./good.mjs]\nstages:\n  - { type: prefect, task: { workflow: { nodes: [{ id: a, handler: h }] } } }\n`);
    // Validation goes on past the modules (the handler is unknown), but the trusted module ran.
    await errorOf(loadPipeline(join(pipelines, 'ok.yaml')));
    expect(existsSync(join(root, 'good-ran'))).toBe(true);
    process.env.SWITCHYARD_MODULE_ROOTS = outside;
    writeFileSync(join(pipelines, 'rooted.yaml'), pipeline(['../outside/evil.mjs']));
    await loadPipeline(join(pipelines, 'rooted.yaml')).catch(() => undefined);
    expect(existsSync(join(root, 'evil-ran'))).toBe(true);
  });
});
