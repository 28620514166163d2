import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAdapter } from 'switchyard/llamaindex';
import { createTestContext } from 'switchyard/adapter-kit/testing';
import { tempDir } from '../../helpers/llamaindex.js';

type Out = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('llamaindex re-ingest prunes documents that left the input set', () => {
  const adapter = createAdapter({ embeddings: false, llm: false });

  async function setup() {
    const base = await tempDir();
    await mkdir(join(base, 'kb'));
    await writeFile(join(base, 'kb/otters.txt'), 'Sea otters hold hands while they sleep so that they do not drift apart.');
    await writeFile(join(base, 'kb/kelp.txt'), 'Kelp forests grow in cold, nutrient-rich coastal water.');
    await writeFile(join(base, 'kb/old-policy.txt'), 'Expense claims are filed on paper forms and mailed to the finance office.');
    const ctx = () => createTestContext({ baseDir: base, home: join(base, '.switchyard') });
    const run = (task: object) => adapter.execute(adapter.taskSchema.parse(task), ctx()) as Promise<Out>;
    expect((await run({ type: 'ingest', docs: ['kb/*.txt'], index: 'kb' })).stats).toMatchObject({ documents: 3, added: 3 });
    await rm(join(base, 'kb/old-policy.txt'));
    return { base, run };
  }

  it('drops a deleted file from the index on the next ingest: count, manifest, chunks and answers', async () => {
    const { base, run } = await setup();
    const again = await run({ type: 'ingest', docs: ['kb/*.txt'], index: 'kb' });
    expect(again.stats).toMatchObject({ documents: 2, added: 0, unchanged: 2, removed: 1, chunks: 2 });
    expect(again.index).toMatchObject({ documents: 2, chunks: 2 });
    const manifest = JSON.parse(await readFile(join(base, '.switchyard/indexes/kb/manifest.json'), 'utf8'));
    expect(Object.keys(manifest.documents).sort()).toEqual(['kb/kelp.txt', 'kb/otters.txt']);
    const chunks = JSON.parse(await readFile(join(base, '.switchyard/indexes/kb/chunks.json'), 'utf8')) as { source: string }[];
    expect(chunks.map((c) => c.source).sort()).toEqual(['kb/kelp.txt', 'kb/otters.txt']);
    const query = await run({ type: 'query', index: 'kb', query: 'How are expense claims filed?' });
    expect(query.passages.map((p: Out) => p.source)).not.toContain('kb/old-policy.txt');
  });

  it('prune: false keeps documents ingested earlier', async () => {
    const { run } = await setup();
    const kept = await run({ type: 'ingest', docs: ['kb/*.txt'], index: 'kb', prune: false });
    expect(kept.stats).toMatchObject({ documents: 3, removed: 0 });
    const query = await run({ type: 'query', index: 'kb', query: 'How are expense claims filed?' });
    expect(query.passages[0].source).toBe('kb/old-policy.txt');
  });

  it('a rag_workflow over an index with docs adds to it and never prunes', async () => {
    const { run } = await setup();
    const out = await run({ type: 'rag_workflow', index: 'kb', docs: ['kb/kelp.txt'], query: 'How are expense claims filed?' });
    expect(out.index).toMatchObject({ documents: 3 });
    expect(out.passages[0].source).toBe('kb/old-policy.txt');
  });

  it('an ingest of other files replaces the index contents (the input set is what docs lists)', async () => {
    const { run } = await setup();
    const only = await run({ type: 'ingest', docs: ['kb/kelp.txt'], index: 'kb' });
    expect(only.stats).toMatchObject({ documents: 1, removed: 2 });
  });
});
