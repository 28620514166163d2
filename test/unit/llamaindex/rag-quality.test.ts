import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { evaluateRetrieval, type LabeledQuestion } from 'switchyard/llamaindex';

const baseDir = fileURLToPath(new URL('../../fixtures/rag/', import.meta.url));

describe('llamaindex retrieval quality (offline default, labeled set)', async () => {
  const questions = JSON.parse(await readFile(new URL('questions.json', `file://${baseDir}`), 'utf8')) as LabeledQuestion[];

  it('has at least 40 labeled questions over at least 15 documents', () => {
    expect(questions.length).toBeGreaterThanOrEqual(40);
    expect(new Set(questions.map((q) => q.source)).size).toBeGreaterThanOrEqual(15);
  });

  it('reaches recall@3 >= 0.9 with the default settings', async () => {
    const result = await evaluateRetrieval({ baseDir, docs: ['docs/*'], questions });
    expect(result.questions).toBe(questions.length);
    expect(result.recallAt3).toBeGreaterThanOrEqual(0.9);
  });

  it('reaches recall@3 >= 0.9 at passage level with small chunks (several per document)', async () => {
    const result = await evaluateRetrieval({ baseDir, docs: ['docs/*'], questions, task: { chunkSize: 64, chunkOverlap: 16 } });
    expect(result.recallAt3).toBeGreaterThanOrEqual(0.9);
    expect(result.mrr).toBeGreaterThan(0.8);
  });

  it('has a paraphrased set that avoids the words of the answering phrase, which BM25 alone mostly misses', async () => {
    const { tokenize } = await import('../../../adapters/llamaindex/tokenize.js');
    const paraphrased = JSON.parse(await readFile(new URL('questions-paraphrased.json', `file://${baseDir}`), 'utf8')) as LabeledQuestion[];
    expect(paraphrased.length).toBeGreaterThanOrEqual(30);
    expect(new Set(paraphrased.map((q) => q.source)).size).toBe(new Set(questions.map((q) => q.source)).size);
    for (const q of paraphrased) {
      const phrase = new Set(tokenize(q.passage));
      expect(tokenize(q.question).filter((t) => phrase.has(t)), q.question).toEqual([]);
    }
    const result = await evaluateRetrieval({ baseDir, docs: ['docs/*'], questions: paraphrased });
    expect(result.recallAt3).toBeLessThan(0.6);
  });
});
