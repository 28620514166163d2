import type { WorkflowEvent } from '@llamaindex/workflow';
import type { Answer } from './answer.js';
import type { Chunk } from './chunking.js';
import type { Corpus, Passage, RetrieverMode } from './corpus.js';
import type { LoadedDocument } from './readers.js';
import type { DocumentSummary } from './summarize.js';

/** What the RAG workflow is asked to do; one start event carries it. */
export interface RagRequest {
  readonly docs?: readonly string[];
  /** Persisted index to read and (when `docs` are given) extend. */
  readonly index?: string;
  readonly questions: readonly string[];
  /** Ingest: drop documents of the index that are not in this input set (default: keep them). */
  readonly prune?: boolean;
  /** With no questions: `summarize` (document analysis) or `ingest` (stop after indexing). */
  readonly noQuestions: 'summarize' | 'ingest';
}

export interface IngestStats {
  readonly documents: number;
  readonly added: number;
  readonly updated: number;
  readonly unchanged: number;
  /** Documents dropped because they left the input set (`prune`). */
  readonly removed: number;
  readonly chunks: number;
  /** Chunks sent to the embeddings endpoint in this run (0 offline, and 0 for unchanged documents). */
  readonly embedded: number;
}

export interface AnswerRecord {
  readonly question: string;
  readonly retriever: RetrieverMode;
  readonly answer: Answer;
  readonly passages: readonly Passage[];
}

export interface SummaryRecord {
  readonly source: string;
  readonly chunks: number;
  readonly summary: DocumentSummary;
  /** CSV documents: the columns and the rows as records (typed unless `csvValues: "strings"`), at most 1,000 rows. */
  readonly table?: { readonly columns: readonly string[]; readonly rows: number; readonly records: readonly Record<string, unknown>[]; readonly truncated?: true };
}

/** The typed events of the RAG workflow (seed 001's pattern), created once per module load. */
export interface RagEvents {
  readonly start: WorkflowEvent<RagRequest>;
  readonly loaded: WorkflowEvent<{ documents: LoadedDocument[] }>;
  readonly parsed: WorkflowEvent<{ documents: LoadedDocument[]; fresh: Map<string, Chunk[]> }>;
  readonly indexed: WorkflowEvent<{ corpus: Corpus; stats?: IngestStats }>;
  readonly question: WorkflowEvent<{ n: number; question: string }>;
  readonly retrieved: WorkflowEvent<{ n: number; question: string; mode: RetrieverMode; passages: Passage[] }>;
  readonly answered: WorkflowEvent<{ n: number; record: AnswerRecord }>;
  readonly summarize: WorkflowEvent<{ n: number; document: LoadedDocument }>;
  readonly summarized: WorkflowEvent<{ n: number; record: SummaryRecord }>;
  readonly stop: WorkflowEvent<{ result: unknown }>;
  readonly failed: WorkflowEvent<{ error: unknown }>;
}

let events: RagEvents | undefined;

export async function ragEvents(): Promise<RagEvents> {
  if (events) return events;
  const { workflowEvent } = await import('@llamaindex/workflow');
  events = {
    start: workflowEvent<RagRequest>({ debugLabel: 'rag.start' }),
    loaded: workflowEvent({ debugLabel: 'rag.loaded' }),
    parsed: workflowEvent({ debugLabel: 'rag.parsed' }),
    indexed: workflowEvent({ debugLabel: 'rag.indexed' }),
    question: workflowEvent({ debugLabel: 'rag.question' }),
    retrieved: workflowEvent({ debugLabel: 'rag.retrieved' }),
    answered: workflowEvent({ debugLabel: 'rag.answered' }),
    summarize: workflowEvent({ debugLabel: 'rag.summarize' }),
    summarized: workflowEvent({ debugLabel: 'rag.summarized' }),
    stop: workflowEvent({ debugLabel: 'rag.stop' }),
    failed: workflowEvent({ debugLabel: 'rag.failed' }),
  };
  return events;
}
