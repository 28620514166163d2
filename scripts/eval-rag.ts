/**
 * Retrieval quality of the offline default on the labeled set in test/fixtures/rag:
 * prints recall@1, recall@3 and MRR. Run with `npm run eval:rag` (add `--json` for machine output).
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { evaluateRetrieval, type LabeledQuestion } from 'switchyard/llamaindex';

const baseDir = fileURLToPath(new URL('../test/fixtures/rag/', import.meta.url));
const questions = JSON.parse(await readFile(new URL('questions.json', `file://${baseDir}`), 'utf8')) as LabeledQuestion[];
const runs = [
  { label: 'default settings (chunkSize 512: about one chunk per document)', task: {} },
  { label: 'passage level (chunkSize 64, overlap 16: several chunks per document)', task: { chunkSize: 64, chunkOverlap: 16 } },
];
const results = [];
for (const run of runs) results.push({ ...run, result: await evaluateRetrieval({ baseDir, docs: ['docs/*'], questions, task: run.task }) });

if (process.argv.includes('--json')) {
  console.log(JSON.stringify(results, null, 2));
} else {
  const docs = new Set(questions.map((q) => q.source)).size;
  console.log(`${questions.length} labeled questions over ${docs} documents (test/fixtures/rag); offline retriever: BM25 over LlamaIndex SentenceSplitter chunks`);
  for (const { label, result } of results) {
    console.log(`\n${label}`);
    console.log(`  recall@1   ${result.recallAt1.toFixed(3)}`);
    console.log(`  recall@3   ${result.recallAt3.toFixed(3)}`);
    console.log(`  MRR        ${result.mrr.toFixed(3)}`);
    for (const miss of result.misses) console.log(`  miss: ${miss.question} (expected ${miss.expected}; top 3: ${miss.got.join(', ') || 'none'})`);
  }
}
