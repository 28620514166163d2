import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Resources } from 'switchyard/adapter-kit';
import type { StageContext } from 'switchyard/adapter-kit';
import { createAdapter } from './adapter.js';
import type { Passage, RetrieverMode } from './corpus.js';
import { createOpenAIEmbedder, type Embedder } from './embeddings.js';
import { corpusOf, requireIndex } from './index-store.js';
import { resolveSettings } from './settings.js';
import type { LlamaindexAdapterOptions } from './settings.js';
import type { RetrievalOptions } from './task-schema.js';

/** One labeled question: the document that answers it and a phrase a retrieved chunk must contain. */
export interface LabeledQuestion {
  readonly question: string;
  readonly source: string;
  readonly passage: string;
}

export interface EvaluationResult {
  readonly questions: number;
  readonly recallAt1: number;
  readonly recallAt3: number;
  readonly mrr: number;
  /** Questions whose answer was not in the top 3. */
  readonly misses: readonly { readonly question: string; readonly expected: string; readonly got: readonly string[] }[];
}

const norm = (text: string) => text.toLowerCase().replace(/\s+/g, ' ');

/**
 * Runs the labeled questions through the adapter (a `document_analysis` task, so the real workflow is measured)
 * and scores the ranked passages: a hit is a passage from the expected document containing the expected phrase.
 */
export async function evaluateRetrieval(
  options: { readonly baseDir: string; readonly docs: readonly string[]; readonly questions: readonly LabeledQuestion[]; readonly task?: RetrievalOptions },
  adapterOptions: LlamaindexAdapterOptions = { embeddings: false, llm: false },
): Promise<EvaluationResult> {
  const adapter = createAdapter(adapterOptions);
  const home = await mkdtemp(join(tmpdir(), 'switchyard-eval-'));
  try {
    const task = adapter.taskSchema.parse({ type: 'document_analysis', docs: options.docs, questions: options.questions.map((q) => q.question), topK: 10, answer: 'extractive', ...options.task });
    const output = (await adapter.execute(task, stageContext(options.baseDir, home))) as { answers: { passages: { source: string; text: string }[] }[] };
    return score(options.questions, (i) => output.answers[i]?.passages ?? []);
  } finally {
    await rm(home, { recursive: true, force: true });
  }
}

/** Scores ranked passages against the labels: a hit is a passage from the expected document containing the expected phrase. */
function score(questions: readonly LabeledQuestion[], ranked: (i: number) => readonly { readonly source: string; readonly document?: string; readonly text: string }[]): EvaluationResult {
  let r1 = 0;
  let r3 = 0;
  let rr = 0;
  const misses: { question: string; expected: string; got: string[] }[] = [];
  questions.forEach((q, i) => {
    const passages = ranked(i);
    const rank = passages.findIndex((p) => (p.document ?? p.source) === q.source && norm(p.text).includes(norm(q.passage))) + 1;
    if (rank === 1) r1++;
    if (rank >= 1 && rank <= 3) r3++;
    else misses.push({ question: q.question, expected: q.source, got: passages.slice(0, 3).map((p) => p.source) });
    if (rank >= 1) rr += 1 / rank;
  });
  const n = questions.length;
  return { questions: n, recallAt1: r1 / n, recallAt3: r3 / n, mrr: rr / n, misses };
}

/**
 * Scores several retrievers on several question sets over one index: the documents are ingested once through the
 * adapter (the real workflow, embedding every chunk when an endpoint is configured), then every question is searched
 * with each retriever; each question is embedded once. Results by set, then by retriever.
 */
export async function evaluateRetrievers(
  options: {
    readonly baseDir: string;
    readonly docs: readonly string[];
    readonly sets: Readonly<Record<string, readonly LabeledQuestion[]>>;
    readonly retrievers: readonly RetrieverMode[];
    readonly task?: RetrievalOptions;
  },
  adapterOptions: LlamaindexAdapterOptions = { embeddings: false, llm: false },
): Promise<Record<string, Partial<Record<RetrieverMode, EvaluationResult>>>> {
  const adapter = createAdapter(adapterOptions);
  const home = await mkdtemp(join(tmpdir(), 'switchyard-eval-'));
  try {
    await adapter.execute(adapter.taskSchema.parse({ type: 'ingest', docs: options.docs, index: 'eval', ...options.task }), stageContext(options.baseDir, home));
    const corpus = corpusOf(await requireIndex(home, 'eval', 'index'));
    const settings = resolveSettings(options.task ?? {}, adapterOptions);
    const remote = settings.embeddings ? await createOpenAIEmbedder(settings.embeddings) : undefined;
    const memo = new Map<string, Promise<number[][]>>();
    const embedder: Embedder | undefined = remote && {
      model: remote.model,
      embed(texts, kind, signal) {
        const key = `${kind}\n${texts.join('\n')}`;
        let vectors = memo.get(key);
        if (!vectors) memo.set(key, (vectors = remote.embed(texts, kind, signal)));
        return vectors;
      },
    };
    const out: Record<string, Partial<Record<RetrieverMode, EvaluationResult>>> = {};
    for (const [name, questions] of Object.entries(options.sets)) {
      out[name] = {};
      for (const retriever of options.retrievers) {
        const ranked: Passage[][] = [];
        for (const q of questions) ranked.push(await corpus.search(q.question, 10, retriever, embedder));
        out[name][retriever] = score(questions, (i) => ranked[i] ?? []);
      }
    }
    return out;
  } finally {
    await rm(home, { recursive: true, force: true });
  }
}

function stageContext(baseDir: string, home: string): StageContext {
  return {
    runId: 'eval',
    stageId: 'eval',
    engine: 'llamaindex',
    pipelineName: 'eval-rag',
    goal: 'measure retrieval quality',
    attempt: 1,
    runInput: undefined,
    input: undefined,
    data: {},
    history: [],
    getLastOutput: () => undefined,
    signal: new AbortController().signal,
    emit: () => undefined,
    home,
    baseDir,
    documentRoots: [baseDir],
    resources: new Resources(),
    schedules: { register: async () => ({ registered: false, reason: 'a retrieval evaluation runs no pipeline' }) },
  };
}
