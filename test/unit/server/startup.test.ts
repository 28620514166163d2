import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createServer } from '../../../src/server/index.js';

const dirs: string[] = [];
const temp = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('starting the server', () => {
  it('a pipeline file that does not validate stops the start, naming it, and nothing is written', async () => {
    const pipelines = temp('sy-pipelines-');
    const home = temp('sy-home-');
    writeFileSync(join(pipelines, 'good.yaml'), 'name: good\nstages:\n  - { type: agno, task: { agents: [nobody] } }\n');
    writeFileSync(join(pipelines, 'bad.yaml'), 'name: bad\nstages:\n  - { type: langraph, task: {} }\n');
    await expect(createServer({ pipelinesDir: pipelines, home, log: () => {} })).rejects.toMatchObject({ code: 'INVALID_PIPELINE', file: join(pipelines, 'bad.yaml') });
    expect(readdirSync(home)).toEqual([]);
  });

  it('two files with one name stop the start', async () => {
    const pipelines = temp('sy-pipelines-');
    const home = temp('sy-home-');
    const doc = (name: string) => JSON.stringify({ name, agents: { helper: { instructions: 'help', model: 'openai:gpt-4o-mini' } }, stages: [{ type: 'agno', task: { agents: ['helper'] } }] });
    writeFileSync(join(pipelines, 'one.json'), doc('same'));
    writeFileSync(join(pipelines, 'two.json'), doc('same'));
    await expect(createServer({ pipelinesDir: pipelines, home, log: () => {} })).rejects.toThrow('--pipelines: two pipelines are named "same": one.json and two.json; rename one');
    expect(existsSync(join(home, 'switchyard.sqlite'))).toBe(false);
  });

  it('a folder that cannot be read is a clear error', async () => {
    await expect(createServer({ pipelinesDir: join(tmpdir(), 'sy-no-such-folder'), home: temp('sy-home-'), log: () => {} })).rejects.toThrow(/^--pipelines: expected a readable folder/);
  });

  it('with no store given, runs go to SQLite under the home', async () => {
    const home = temp('sy-home-');
    const server = await createServer({ home, log: () => {}, rateLimit: false });
    try {
      expect(existsSync(join(home, 'switchyard.sqlite'))).toBe(true);
      const response = await server.request('/api/runs', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ pipeline: { name: 'dag', stages: [{ type: 'prefect', task: { workflow: { nodes: [{ id: 'a', dependsOn: [] }] } } }] } }),
      });
      // no handler `a` is registered: the pipeline is refused before anything runs
      expect(response.status).toBe(400);
      expect(((await response.json()) as { issues: { path: string }[] }).issues[0]?.path).toMatch(/^pipeline\.stages\[0\]\.task/);
      expect(await (await server.request('/api/runs')).json()).toEqual({ runs: [], nextCursor: null });
    } finally {
      await server.close();
    }
  });
});
