import type { Passage, RetrieverMode } from './corpus.js';
import { createOpenAIEmbedder, type Embedder } from './embeddings.js';
import { corpusOf, requireIndex } from './index-store.js';
import { resolveSettings, type LlamaindexAdapterOptions } from './settings.js';

/** A persisted index opened once for many queries (library use, benchmarks). */
export interface OpenedIndex {
  readonly name: string;
  readonly documents: number;
  readonly chunks: number;
  /** The embedding model the index was built with, if any. */
  readonly embedModel: string | undefined;
  search(query: string, options?: { readonly topK?: number; readonly retriever?: 'auto' | RetrieverMode; readonly signal?: AbortSignal }): Promise<Passage[]>;
}

/** Opens `<home>/indexes/NAME` (written by an `ingest` task) without re-reading or re-embedding any document. */
export async function openIndex(home: string, name: string, options: LlamaindexAdapterOptions = {}): Promise<OpenedIndex> {
  const stored = await requireIndex(home, name, 'index');
  const corpus = corpusOf(stored);
  const settings = resolveSettings({}, options);
  const embedder: Embedder | undefined = settings.embeddings ? await createOpenAIEmbedder(settings.embeddings) : undefined;
  return {
    name,
    documents: Object.keys(stored.manifest.documents).length,
    chunks: corpus.chunks.length,
    embedModel: stored.manifest.embedModel,
    search(query, { topK = settings.topK, retriever = settings.retriever, signal } = {}) {
      return corpus.search(query, topK, corpus.modeFor(retriever, embedder), embedder, signal);
    },
  };
}
