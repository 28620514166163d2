import type { WorkflowContext, WorkflowEventData } from '@llamaindex/workflow';
import type { StageContext } from 'switchyard/adapter-kit';
import { SwitchyardError, toSwitchyardError } from 'switchyard/adapter-kit';
import type { ModelProvider } from 'switchyard/adapter-kit';
import { abortPromise } from './abort.js';
import { extractiveAnswer, llmAnswer } from './answer.js';
import { resolveChatModel } from './chat-model.js';
import { chunkDocuments, type Chunk } from './chunking.js';
import type { Corpus } from './corpus.js';
import { createOpenAIEmbedder, type Embedder } from './embeddings.js';
import { corpusOf, indexDir, loadIndex, rememberIndex, saveIndex, type StoredIndex } from './index-store.js';
import { mergeIndex, sameChunking } from './merge-index.js';
import { noDocumentsError, resolveDocuments, type FileProblem } from './paths.js';
import { ragEvents, type AnswerRecord, type IngestStats, type RagRequest, type SummaryRecord } from './rag-events.js';
import { readDocuments, type LoadedDocument } from './readers.js';
import type { ResolvedSettings } from './settings.js';
import { summarizeDocument } from './summarize.js';

const TABLE_ROWS = 1000;

function tableOf(table: NonNullable<LoadedDocument['table']>): NonNullable<SummaryRecord['table']> {
  const truncated = table.records.length > TABLE_ROWS;
  return { columns: table.columns, rows: table.records.length, records: table.records.slice(0, TABLE_ROWS), ...(truncated ? { truncated: true as const } : {}) };
}

/** `onProblem: fail`: the stage fails naming every document that could not be used. */
function problemsError(problems: readonly FileProblem[]): SwitchyardError {
  const files = problems.map((p) => p.file);
  return new SwitchyardError('INVALID_INPUT', `task.docs: ${problems.length} document(s) could not be used (onProblem: fail): ${problems.map((p) => p.message).join('; ')}`, {
    path: 'task.docs',
    expected: 'every listed document readable (or onProblem: warn to go on without them)',
    got: files.join(', '),
    file: files[0]!,
    details: { problems: problems.map((p) => ({ ...p })) },
  });
}

/** What one run of the RAG workflow produces, before the adapter shapes it per task. */
export interface RagRunResult {
  readonly documents: readonly { readonly source: string; readonly chunks: number; readonly pages?: number }[];
  readonly problems: readonly FileProblem[];
  readonly stats?: IngestStats;
  readonly answers: readonly AnswerRecord[];
  readonly summaries: readonly SummaryRecord[];
  readonly index?: { readonly name: string; readonly path: string; readonly documents: number; readonly chunks: number };
}

/** Shared state of one run (seed 001's `ctx.data`): written by steps, read by the fan-in steps. */
interface RunState {
  problems: FileProblem[];
  stored?: StoredIndex;
  documents: { source: string; chunks: number; pages?: number }[];
  answers: AnswerRecord[];
  summaries: SummaryRecord[];
  expected: number;
  stats?: IngestStats;
  /** The documents read in this run (summaries fan out over them). */
  loaded: LoadedDocument[];
  /** Every file the docs patterns resolved to, read or not (the input set an ingest prunes to). */
  inputSet?: Set<string>;
  corpus?: Corpus;
}

export interface RagRunOptions {
  readonly settings: ResolvedSettings;
  readonly stage: Pick<StageContext, 'signal' | 'emit' | 'home' | 'baseDir' | 'documentRoots'>;
  /** Emit `ingest.progress` every this many documents (default: about 20 updates per run). */
  readonly progressEvery?: number;
  /** Injected for tests and benches; default: the configured endpoint, or none. */
  readonly embedder?: Embedder | null;
}

/**
 * Runs the RAG pipeline as an `@llamaindex/workflow` workflow:
 * load -> parse -> embed/index -> (fan-out) retrieve -> synthesize -> (fan-in) stop.
 * Every step reports through `context.emit`; a step that throws becomes a `rag.failed` event, so the
 * run rejects with that error instead of leaving an unhandled rejection inside the engine.
 */
export async function runRagWorkflow(request: RagRequest, options: RagRunOptions): Promise<RagRunResult> {
  const { createWorkflow } = await import('@llamaindex/workflow');
  const ev = await ragEvents();
  const { settings, stage } = options;
  const signal = stage.signal;
  signal.throwIfAborted();
  const embedder = options.embedder === undefined ? (settings.embeddings && settings.retriever !== 'lexical' ? await createOpenAIEmbedder(settings.embeddings) : undefined) : (options.embedder ?? undefined);
  const state: RunState = { problems: [], documents: [], answers: [], summaries: [], expected: 0, loaded: [] };
  const emit = (kind: string, message: string, data?: Record<string, unknown>, progress?: { done: number; total: number; unit?: string }) =>
    stage.emit({ kind, message, ...(data ? { data } : {}), ...(progress ? { progress } : {}) });
  const every = (total: number) => options.progressEvery ?? Math.max(1, Math.ceil(total / 20));

  const workflow = createWorkflow();
  // Wraps a step: cancellation is checked first, and a thrown error becomes the `failed` event.
  const step = <T>(fn: (context: WorkflowContext, data: T) => Promise<WorkflowEventData<unknown> | void>) => async (context: WorkflowContext, event: WorkflowEventData<T>) => {
    try {
      signal.throwIfAborted();
      return await fn(context, event.data);
    } catch (error) {
      return ev.failed.with({ error });
    }
  };

  // load: resolve paths and globs inside the allowed roots, read each file with its parser
  workflow.handle(
    [ev.start],
    step<RagRequest>(async (_context, req) => {
      if (req.index) {
        state.stored = await loadIndex(stage.home, req.index);
        if (!state.stored && !req.docs) {
          throw new SwitchyardError('NOT_FOUND', `task.index: no index named "${req.index}" under ${indexDir(stage.home, '')}; run an ingest task first`, {
            path: 'task.index',
            expected: 'the name of an ingested index',
            got: req.index,
          });
        }
      }
      if (!req.docs) {
        emit('index.loaded', `loaded index ${req.index} (${state.stored!.chunks.length} chunks)`, { index: req.index, chunks: state.stored!.chunks.length });
        return ev.indexed.with({ corpus: corpusOf(state.stored!) });
      }
      const roots = [...stage.documentRoots, ...settings.roots];
      const narrow = settings.narrowRoots ? { narrow: settings.narrowRoots } : {};
      const { files, problems } = await resolveDocuments(req.docs, { baseDir: stage.baseDir, roots, ...narrow, maxFileBytes: settings.maxFileBytes });
      state.problems.push(...problems);
      emit('load.started', `loading ${files.length} document(s)`, { files: files.length, problems: problems.length }, { done: 0, total: files.length, unit: 'documents' });
      const n = every(files.length);
      const { documents, problems: readProblems } = await readDocuments(
        files,
        (done, total, file) => {
          if (done % n === 0 || done === total) emit('ingest.progress', `read ${file.display}`, { file: file.display }, { done, total, unit: 'documents' });
        },
        signal,
        { csvValues: settings.csvValues },
      );
      state.problems.push(...readProblems);
      state.inputSet = new Set(files.map((f) => f.display));
      // Each problem is an engine event: the terminal display prints it, the event log keeps it.
      for (const problem of state.problems) emit('load.problem', `skipped ${problem.message}`, { file: problem.file, code: problem.code, level: 'warning' });
      if (documents.length === 0 && !state.stored) throw noDocumentsError(state.problems);
      if (state.problems.length > 0 && settings.onProblem === 'fail') throw problemsError(state.problems);
      emit('load.completed', `loaded ${documents.length} document(s)`, { documents: documents.length, bytes: documents.reduce((s, d) => s + d.bytes, 0) });
      return ev.loaded.with({ documents });
    }),
  );

  // parse: LlamaIndex SentenceSplitter; documents whose hash is unchanged in the index are not re-chunked
  workflow.handle(
    [ev.loaded],
    step<{ documents: LoadedDocument[] }>(async (_context, { documents }) => {
      const fresh = new Map<string, Chunk[]>();
      const stored = state.stored;
      const sameSettings = stored && sameChunking(stored.manifest, settings);
      const toChunk = documents.filter((d) => !(sameSettings && stored.manifest.documents[d.id]?.hash === d.hash));
      const n = every(toChunk.length);
      let done = 0;
      for (const doc of toChunk) {
        signal.throwIfAborted();
        fresh.set(doc.id, await chunkDocuments([doc], settings));
        if (++done % n === 0 || done === toChunk.length) emit('parse.progress', `chunked ${doc.source}`, { file: doc.source }, { done, total: toChunk.length, unit: 'documents' });
        await new Promise((r) => setImmediate(r));
      }
      const chunkCount = [...fresh.values()].reduce((s, c) => s + c.length, 0);
      emit('parse.completed', `split ${toChunk.length} document(s) into ${chunkCount} chunk(s)`, { documents: toChunk.length, chunks: chunkCount, reused: documents.length - toChunk.length });
      return ev.parsed.with({ documents, fresh });
    }),
  );

  // embed/index: merge with the persisted index (by content hash), embed only new chunks, persist
  workflow.handle(
    [ev.parsed],
    step<{ documents: LoadedDocument[]; fresh: Map<string, Chunk[]> }>(async (_context, { documents, fresh }) => {
      state.loaded = documents;
      const result = await mergeIndex({
        documents,
        fresh,
        previous: state.stored,
        settings,
        embedder,
        index: request.index,
        home: stage.home,
        signal,
        emit,
        ...(request.prune && state.inputSet ? { inputSet: state.inputSet } : {}),
      });
      state.documents = documents.map((d) => ({ source: d.source, chunks: result.chunksOf.get(d.id) ?? 0, ...(d.pages ? { pages: d.pages.length } : {}) }));
      state.stats = result.stats;
      if (request.index) {
        await saveIndex(result.stored);
        rememberIndex(result.stored, result.corpus);
        emit('index.saved', `index ${request.index}: ${result.stored.chunks.length} chunks`, { index: request.index, path: result.stored.dir, ...result.stats });
      }
      return ev.indexed.with({ corpus: result.corpus, stats: result.stats });
    }),
  );

  // fan-out: one retrieve per question, or one summary per document
  workflow.handle(
    [ev.indexed],
    step<{ corpus: Corpus }>(async (context, { corpus }) => {
      state.corpus = corpus;
      if (request.questions.length > 0) {
        state.expected = request.questions.length;
        request.questions.forEach((question, n) => context.sendEvent(ev.question.with({ n, question })));
        return;
      }
      if (request.noQuestions === 'ingest') return ev.stop.with({ result: null });
      state.expected = state.loaded.length;
      if (state.loaded.length === 0) return ev.stop.with({ result: null });
      state.loaded.forEach((document, n) => context.sendEvent(ev.summarize.with({ n, document })));
    }),
  );

  workflow.handle(
    [ev.question],
    step<{ n: number; question: string }>(async (_context, { n, question }) => {
      const corpus = state.corpus!;
      const mode = corpus.modeFor(settings.retriever, embedder);
      const passages = await corpus.search(question, settings.topK, mode, embedder, signal);
      emit('retrieve.completed', `retrieved ${passages.length} passage(s) for question ${n + 1}`, { question, retriever: mode, sources: passages.map((p) => p.source) });
      return ev.retrieved.with({ n, question, mode, passages });
    }),
  );

  workflow.handle(
    [ev.retrieved],
    step<{ n: number; question: string; mode: import('./corpus.js').RetrieverMode; passages: import('./corpus.js').Passage[] }>(async (_context, { n, question, mode, passages }) => {
      const model = await chatModel();
      const answer = model && passages.length > 0 ? await llmAnswer(question, passages, model, signal) : extractiveAnswer(question, passages);
      emit('synthesize.completed', `answered question ${n + 1} (${answer.mode})`, { question, mode: answer.mode, citations: answer.citations.length });
      return ev.answered.with({ n, record: { question, retriever: mode, answer, passages } });
    }),
  );

  workflow.handle(
    [ev.summarize],
    step<{ n: number; document: LoadedDocument }>(async (_context, { n, document }) => {
      const record: SummaryRecord = {
        source: document.source,
        chunks: state.documents.find((d) => d.source === document.source)?.chunks ?? 0,
        summary: summarizeDocument(document),
        ...(document.table ? { table: tableOf(document.table) } : {}),
      };
      emit('synthesize.completed', `summarized ${document.source}`, { source: document.source, mode: 'extractive' });
      return ev.summarized.with({ n, record });
    }),
  );

  // fan-in: stop when every fanned-out branch has reported
  workflow.handle(
    [ev.answered],
    step<{ n: number; record: AnswerRecord }>(async (_context, { n, record }) => {
      state.answers[n] = record;
      if (state.answers.filter(Boolean).length === state.expected) return ev.stop.with({ result: null });
    }),
  );
  workflow.handle(
    [ev.summarized],
    step<{ n: number; record: SummaryRecord }>(async (_context, { n, record }) => {
      state.summaries[n] = record;
      if (state.summaries.filter(Boolean).length === state.expected) return ev.stop.with({ result: null });
    }),
  );

  let chat: Promise<ModelProvider | undefined> | undefined;
  // The chat model is resolved once per run, only when an answer is due; `answer: "llm"` without one is a clear error.
  const chatModel = () =>
    (chat ??= (async () => {
      if (settings.answer === 'extractive') return undefined;
      const model = await resolveChatModel(settings.llm, settings.model, settings.env);
      if (!model && settings.answer === 'llm') {
        throw new SwitchyardError('MODEL_NOT_CONFIGURED', 'task.answer: "llm" needs a chat model; set SWITCHYARD_MODEL, OPENAI_API_KEY (and OPENAI_BASE_URL) or OLLAMA_HOST, or use answer "extractive"', { path: 'task.answer' });
      }
      return model;
    })());

  // run: send the start event, forward progress, stop at `stop` or `failed`, honour the stage signal
  const context = workflow.createContext();
  const iterator = context.stream[Symbol.asyncIterator]();
  // One listener on the stage signal per run, removed when the run ends (a run of many stages shares one signal).
  const aborted = abortPromise(signal);
  context.sendEvent(ev.start.with(request));
  try {
    for (;;) {
      const next = await Promise.race([iterator.next(), aborted.promise]);
      if (next.done) throw new SwitchyardError('ENGINE_ERROR', 'the RAG workflow ended without a result');
      const event = next.value;
      if (ev.failed.include(event)) throw toSwitchyardError(event.data.error);
      if (ev.stop.include(event)) break;
    }
  } finally {
    aborted.dispose();
    void iterator.return?.();
  }
  return {
    documents: state.documents,
    problems: state.problems,
    ...(state.stats ? { stats: state.stats } : {}),
    answers: state.answers,
    summaries: state.summaries,
    ...(request.index && (state.stats || state.stored)
      ? {
          index: {
            name: request.index,
            path: indexDir(stage.home, request.index),
            documents: state.stats?.documents ?? Object.keys(state.stored?.manifest.documents ?? {}).length,
            chunks: state.stats?.chunks ?? state.stored?.chunks.length ?? 0,
          },
        }
      : {}),
  };
}
