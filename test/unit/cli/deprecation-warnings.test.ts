import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runCli } from '../../helpers/run-cli.js';

afterEach(() => vi.restoreAllMocks());

function legacyPipeline(): { file: string; home: string } {
  const dir = mkdtempSync(join(tmpdir(), 'sy-cli-deprecated-'));
  writeFileSync(join(dir, 'handlers.mjs'), "export default (registry) => registry.set('handler', 'fetch', () => 'ok');\n");
  const file = join(dir, 'legacy.yaml');
  writeFileSync(file, ['name: legacy', 'modules: [./handlers.mjs]', 'stages:', '  - id: dag', '    type: prefect', '    task: { workflow: { nodes: [{ id: fetch, retry: 3 }] } }', ''].join('\n'));
  return { file, home: join(dir, 'home') };
}

const WARNING = 'warning: stages[0].task.workflow.nodes[0].retry: deprecated, use retry: { attempts: 4 }\n';

describe('old spellings in the CLI', () => {
  it('validate prints one warning line on stderr and still succeeds; no process warning', async () => {
    const emitted = vi.spyOn(process, 'emitWarning');
    const { file } = legacyPipeline();
    const { code, stdout, stderr } = await runCli('validate', file);
    expect(code).toBe(0);
    expect(stdout).toContain('valid pipeline "legacy"');
    expect(stderr).toBe(WARNING);
    expect(emitted).not.toHaveBeenCalled();
  });

  it('run prints the warning and runs the translated retry', async () => {
    const { file, home } = legacyPipeline();
    const { code, stdout, stderr } = await runCli('run', file, '--json', '--home', home);
    expect(code).toBe(0);
    expect(stderr).toContain(WARNING);
    expect(JSON.parse(stdout)).toMatchObject({ status: 'completed' });
  });
});
